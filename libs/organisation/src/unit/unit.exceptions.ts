import { DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';

export enum UnitErrorCode {
  NotFound = 'UNIT_NOT_FOUND',
  Inactive = 'UNIT_INACTIVE',
  CodeTaken = 'UNIT_CODE_TAKEN',
  InvalidParent = 'UNIT_INVALID_PARENT',
}

/** 404 when looked up by path; 400 naming `field` when referenced from a body. */
export class UnitNotFoundException extends DomainException {
  constructor(id: string, field?: string) {
    const message = `单位 ${id} 不存在 (unit ${id} not found)`;
    super(UnitErrorCode.NotFound, field ? DomainErrorKind.Validation : DomainErrorKind.NotFound, message, [{ field, message }]);
  }
}

export class UnitInactiveException extends DomainException {
  constructor(id: string, field: string) {
    const message = `单位 ${id} 已停用 (unit ${id} is inactive)`;
    super(UnitErrorCode.Inactive, DomainErrorKind.Validation, message, [{ field, message }]);
  }
}

export class UnitCodeTakenException extends DomainException {
  constructor(code: string) {
    const message = `单位代码 ${code} 已存在 (unit code ${code} already exists)`;
    super(UnitErrorCode.CodeTaken, DomainErrorKind.Conflict, message, [{ field: 'code', message }]);
  }
}

export class UnitInvalidParentException extends DomainException {
  constructor(message: string) {
    super(UnitErrorCode.InvalidParent, DomainErrorKind.Validation, message, [{ field: 'parentUnitId', message }]);
  }
}
