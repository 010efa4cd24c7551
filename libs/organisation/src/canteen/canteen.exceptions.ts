import { DomainErrorDetail, DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';

export enum CanteenErrorCode {
  NotFound = 'CANTEEN_NOT_FOUND',
  Inactive = 'CANTEEN_INACTIVE',
  CodeTaken = 'CANTEEN_CODE_TAKEN',
  InvalidSlots = 'CANTEEN_INVALID_SLOTS',
  LevelMismatch = 'CANTEEN_LEVEL_MISMATCH',
}

/** 404 when looked up by path; 400 naming `field` when referenced from a body. */
export class CanteenNotFoundException extends DomainException {
  constructor(id: string, field?: string) {
    const message = `食堂 ${id} 不存在 (canteen ${id} not found)`;
    super(CanteenErrorCode.NotFound, field ? DomainErrorKind.Validation : DomainErrorKind.NotFound, message, [{ field, message }]);
  }
}

export class CanteenInactiveException extends DomainException {
  constructor(id: string, field: string) {
    const message = `食堂 ${id} 已停用 (canteen ${id} is inactive)`;
    super(CanteenErrorCode.Inactive, DomainErrorKind.Validation, message, [{ field, message }]);
  }
}

export class CanteenCodeTakenException extends DomainException {
  constructor(code: string) {
    const message = `食堂代码 ${code} 已存在 (canteen code ${code} already exists)`;
    super(CanteenErrorCode.CodeTaken, DomainErrorKind.Conflict, message, [{ field: 'code', message }]);
  }
}

/** Meal slots breaking the price caps, the hours rule or listed twice; one detail per problem. */
export class CanteenInvalidSlotsException extends DomainException {
  constructor(details: DomainErrorDetail[]) {
    super(CanteenErrorCode.InvalidSlots, DomainErrorKind.Validation, details.map((d) => `${d.field ?? ''}: ${d.message}`).join('; '), details);
  }
}

export class CanteenLevelMismatchException extends DomainException {
  constructor(level: string, regionCode: string, regionLevel: string) {
    const message = `食堂级别 ${level} 与所在行政区划 ${regionCode} 的级别 ${regionLevel} 不一致 (a canteen's level is the level of its region)`;
    super(CanteenErrorCode.LevelMismatch, DomainErrorKind.Validation, message, [{ field: 'level', message }]);
  }
}
