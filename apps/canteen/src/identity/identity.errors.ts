import { DomainErrorKind, DomainException } from '@meal/platform';

/** No staff member / terminal with that identifier (404). */
export class IdentityNotFoundException extends DomainException {
  constructor(what: 'person' | 'terminal') {
    super('IDENTITY_NOT_FOUND', DomainErrorKind.NotFound, what === 'person' ? 'No staff member has this external identity' : 'No terminal has this code');
  }
}

/** The staff member, their unit, the terminal or its canteen is deactivated (403). */
export class IdentityInactiveException extends DomainException {
  constructor(reason: string) {
    super('IDENTITY_INACTIVE', DomainErrorKind.Forbidden, reason);
  }
}

/** Both or neither of externalIdentityId and terminalCode were given (400). */
export class DevLoginIdentifierException extends DomainException {
  constructor() {
    super('VALIDATION_FAILED', DomainErrorKind.Validation, 'Give exactly one of externalIdentityId (a person) or terminalCode (a canteen terminal)', [
      { field: 'externalIdentityId', message: 'exactly one of externalIdentityId and terminalCode is required' },
      { field: 'terminalCode', message: 'exactly one of externalIdentityId and terminalCode is required' },
    ]);
  }
}

/** The development login is switched off (AUTH_DEV_LOGIN_ENABLED=false, always in production) (403). */
export class DevLoginDisabledException extends DomainException {
  constructor() {
    super('DEV_LOGIN_DISABLED', DomainErrorKind.Forbidden, 'The development login is disabled on this deployment');
  }
}
