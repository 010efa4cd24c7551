import { DomainErrorDetail, DomainErrorKind, DomainException } from '@meal/platform';

export class RiskModelNotFoundException extends DomainException {
  constructor(key: string) {
    super('RISK_MODEL_NOT_FOUND', DomainErrorKind.NotFound, `No warning model ${key}`);
  }
}

export class InvalidThresholdsException extends DomainException {
  constructor(key: string, details: DomainErrorDetail[]) {
    super('RISK_MODEL_THRESHOLDS_INVALID', DomainErrorKind.Validation, `Invalid thresholds for ${key}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
  }
}

export class ModelSettingsConflictException extends DomainException {
  constructor(key: string) {
    super('RISK_MODEL_SETTINGS_CONFLICT', DomainErrorKind.Conflict, `The settings of ${key} changed concurrently; read them again and retry`);
  }
}

export class UnknownModelVersionException extends DomainException {
  constructor(key: string, version: string, known: string) {
    super('RISK_MODEL_VERSION_UNKNOWN', DomainErrorKind.Unprocessable, `Model ${key} has no version ${version} (known: ${known})`);
  }
}
