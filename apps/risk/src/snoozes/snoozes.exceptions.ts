import { DomainErrorKind, DomainException } from '@meal/platform';

/** No such active snooze — or one outside the caller's jurisdiction (404). */
export class SnoozeNotFoundException extends DomainException {
  constructor(id: string) {
    super('SNOOZE_NOT_FOUND', DomainErrorKind.NotFound, `No snooze ${id} to lift`);
  }
}
