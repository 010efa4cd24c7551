import { DomainErrorKind, DomainException } from '@meal/platform';

/** No staff member has this external identity (404). */
export class ConsoleIdentityNotFoundException extends DomainException {
  constructor() {
    super('IDENTITY_NOT_FOUND', DomainErrorKind.NotFound, 'No staff member has this external identity');
  }
}

/** The person or their unit is deactivated, or they are neither inspector nor administrator (403). */
export class ConsoleIdentityRefusedException extends DomainException {
  constructor(code: 'IDENTITY_INACTIVE' | 'CONSOLE_NOT_ALLOWED', message: string) {
    super(code, DomainErrorKind.Forbidden, message);
  }
}

/** AUTH_DEV_LOGIN_ENABLED=false (always in production) (403). */
export class ConsoleDevLoginDisabledException extends DomainException {
  constructor() {
    super('DEV_LOGIN_DISABLED', DomainErrorKind.Forbidden, 'The development login is disabled on this deployment');
  }
}

/** The service holds no identity private key, so it cannot issue tokens (403). */
export class ConsoleLoginUnavailableException extends DomainException {
  constructor() {
    super('DEV_LOGIN_UNAVAILABLE', DomainErrorKind.Forbidden, 'This risk service has no identity private key (AUTH_PRIVATE_KEY_FILE): log in through the canteen service');
  }
}
