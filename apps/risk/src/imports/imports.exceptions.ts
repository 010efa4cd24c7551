import { DomainErrorKind, DomainException } from '@meal/platform';

export class ImportBodyInvalidException extends DomainException {
  constructor(message: string) {
    super('IMPORT_BODY_INVALID', DomainErrorKind.Validation, message);
  }
}
