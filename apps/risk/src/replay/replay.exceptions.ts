import { DomainErrorKind, DomainException } from '@meal/platform';

export class ReplayNotFoundException extends DomainException {
  constructor(id: string) {
    super('RISK_REPLAY_NOT_FOUND', DomainErrorKind.NotFound, `No replay ${id}`);
  }
}

export class ReplayUnavailableException extends DomainException {
  constructor(reason: string) {
    super('RISK_REPLAY_UNAVAILABLE', DomainErrorKind.Unprocessable, `A replay cannot run: ${reason}`);
  }
}

export class ReplayAlreadyRunningException extends DomainException {
  constructor(id: string) {
    super('RISK_REPLAY_RUNNING', DomainErrorKind.Conflict, `Replay ${id} is still running; wait for it or try again later`);
  }
}
