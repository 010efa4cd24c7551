import { DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';

/** Stable machine codes of the meal-code feature. The scan refusals are the first six. */
export enum MealCodeErrorCode {
  /** Not a meal-code text at all: wrong scheme/host, not a JWS, unreadable header or claims. */
  Malformed = 'MEAL_CODE_MALFORMED',
  /** A JWS that is not ours: bad signature, another key, another algorithm (`none`, HS256…), another issuer or kind. */
  Forged = 'MEAL_CODE_FORGED',
  /** Correctly signed, but that canteen has no such version (or the text differs from the issued one). */
  UnknownVersion = 'MEAL_CODE_UNKNOWN_VERSION',
  /** The version was revoked by an administrator. */
  Revoked = 'MEAL_CODE_REVOKED',
  /** The version was superseded by a rotation and its grace period is over. */
  Expired = 'MEAL_CODE_EXPIRED',
  /** The canteen of the code is deactivated. */
  CanteenInactive = 'CANTEEN_INACTIVE',
  CanteenNotFound = 'CANTEEN_NOT_FOUND',
  VersionNotFound = 'MEAL_CODE_VERSION_NOT_FOUND',
  NotIssued = 'MEAL_CODE_NOT_ISSUED',
  GraceOutOfRange = 'MEAL_CODE_GRACE_OUT_OF_RANGE',
  ConcurrentChange = 'MEAL_CODE_CONCURRENT_CHANGE',
  CanteenForbidden = 'MEAL_CODE_CANTEEN_FORBIDDEN',
}

/** A refusal of a scanned text by verifyScannedCode. `code` says which check failed. */
export abstract class MealCodeRefusedException extends DomainException {}

export class MealCodeMalformedException extends MealCodeRefusedException {
  constructor(reason: string) {
    super(MealCodeErrorCode.Malformed, DomainErrorKind.Validation, `无法识别的用餐码 (not a meal code: ${reason})`);
  }
}

export class MealCodeForgedException extends MealCodeRefusedException {
  constructor(reason: string) {
    super(MealCodeErrorCode.Forged, DomainErrorKind.Unprocessable, `用餐码签名无效，可能是伪造的 (the meal code is not validly signed: ${reason})`);
  }
}

export class MealCodeUnknownVersionException extends MealCodeRefusedException {
  constructor(canteenId: string, version: number) {
    super(
      MealCodeErrorCode.UnknownVersion,
      DomainErrorKind.Unprocessable,
      `食堂 ${canteenId} 没有第 ${version} 版用餐码 (canteen ${canteenId} has no meal code version ${version})`,
    );
  }
}

export class MealCodeRevokedException extends MealCodeRefusedException {
  constructor(canteenId: string, version: number) {
    super(
      MealCodeErrorCode.Revoked,
      DomainErrorKind.Gone,
      `该用餐码已作废，请扫描食堂现场张贴的最新用餐码 (meal code version ${version} of canteen ${canteenId} was revoked)`,
    );
  }
}

export class MealCodeExpiredException extends MealCodeRefusedException {
  constructor(canteenId: string, version: number) {
    super(
      MealCodeErrorCode.Expired,
      DomainErrorKind.Gone,
      `该用餐码已更换且过了过渡期，请扫描食堂现场张贴的最新用餐码 (meal code version ${version} of canteen ${canteenId} was replaced and its grace period is over)`,
    );
  }
}

export class MealCodeCanteenInactiveException extends MealCodeRefusedException {
  constructor(canteenId: string) {
    super(MealCodeErrorCode.CanteenInactive, DomainErrorKind.Unprocessable, `该食堂已停用 (canteen ${canteenId} is inactive)`);
  }
}

export class MealCodeCanteenNotFoundException extends DomainException {
  constructor(canteenId: string) {
    const message = `食堂 ${canteenId} 不存在 (canteen ${canteenId} not found)`;
    super(MealCodeErrorCode.CanteenNotFound, DomainErrorKind.NotFound, message, [{ field: 'canteenId', message }]);
  }
}

/** Issuing or rotating a code for a deactivated canteen is refused (HTTP 409). */
export class MealCodeCanteenInactiveConflictException extends DomainException {
  constructor(canteenId: string) {
    super(MealCodeErrorCode.CanteenInactive, DomainErrorKind.Conflict, `食堂 ${canteenId} 已停用，不能签发用餐码 (canteen ${canteenId} is inactive: no meal code can be issued)`);
  }
}

export class MealCodeVersionNotFoundException extends DomainException {
  constructor(canteenId: string, version: number) {
    const message = `食堂 ${canteenId} 没有第 ${version} 版用餐码 (canteen ${canteenId} has no meal code version ${version})`;
    super(MealCodeErrorCode.VersionNotFound, DomainErrorKind.NotFound, message, [{ field: 'version', message }]);
  }
}

export class MealCodeNotIssuedException extends DomainException {
  constructor(canteenId: string) {
    super(MealCodeErrorCode.NotIssued, DomainErrorKind.NotFound, `食堂 ${canteenId} 当前没有有效的用餐码，请先签发 (canteen ${canteenId} has no active meal code: issue one first)`);
  }
}

export class MealCodeGraceOutOfRangeException extends DomainException {
  constructor(graceSeconds: number, maxGraceSeconds: number) {
    const message = `过渡期须在 0 到 ${maxGraceSeconds} 秒之间 (graceSeconds must be between 0 and ${maxGraceSeconds}, got ${graceSeconds})`;
    super(MealCodeErrorCode.GraceOutOfRange, DomainErrorKind.Validation, message, [{ field: 'graceSeconds', message }]);
  }
}

/** The safety net of the one-active-code index fired (should not happen: changes take the canteen row lock). */
export class MealCodeConcurrentChangeException extends DomainException {
  constructor(canteenId: string) {
    super(MealCodeErrorCode.ConcurrentChange, DomainErrorKind.Conflict, `食堂 ${canteenId} 的用餐码正被同时修改，请重试 (the meal code of canteen ${canteenId} changed concurrently; retry)`);
  }
}

/** A terminal asked for the code of another canteen. */
export class MealCodeCanteenForbiddenException extends DomainException {
  constructor(canteenId: string) {
    super(MealCodeErrorCode.CanteenForbidden, DomainErrorKind.Forbidden, `终端只能查看本食堂的用餐码 (a terminal may only read the meal code of its own canteen, not ${canteenId})`);
  }
}
