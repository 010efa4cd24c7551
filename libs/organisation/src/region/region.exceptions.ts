import { DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';

export enum RegionErrorCode {
  NotFound = 'REGION_NOT_FOUND',
  Inactive = 'REGION_INACTIVE',
  CodeTaken = 'REGION_CODE_TAKEN',
  InvalidPlacement = 'REGION_INVALID_PLACEMENT',
}

/**
 * A region that does not exist. Looked up by a path parameter it is a 404; referenced from a request body
 * (`field` given, e.g. `regionCode`) it is a 400 naming that field.
 */
export class RegionNotFoundException extends DomainException {
  constructor(code: string, field?: string) {
    const message = `行政区划 ${code} 不存在 (region ${code} not found)`;
    super(RegionErrorCode.NotFound, field ? DomainErrorKind.Validation : DomainErrorKind.NotFound, message, [{ field, message }]);
  }
}

export class RegionInactiveException extends DomainException {
  constructor(code: string, field: string) {
    const message = `行政区划 ${code} 已停用 (region ${code} is inactive)`;
    super(RegionErrorCode.Inactive, DomainErrorKind.Validation, message, [{ field, message }]);
  }
}

export class RegionCodeTakenException extends DomainException {
  constructor(code: string) {
    const message = `行政区划代码 ${code} 已存在 (region code ${code} already exists)`;
    super(RegionErrorCode.CodeTaken, DomainErrorKind.Conflict, message, [{ field: 'code', message }]);
  }
}

/** The level, the parent and the code of a region do not fit together (e.g. a township under a city). */
export class RegionInvalidPlacementException extends DomainException {
  constructor(field: string, message: string) {
    super(RegionErrorCode.InvalidPlacement, DomainErrorKind.Validation, message, [{ field, message }]);
  }
}
