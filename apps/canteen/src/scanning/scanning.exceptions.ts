import { DomainErrorKind, DomainException } from '@meal/platform';

/** Machine codes of the scanning and verification refusals (the pages switch on them). */
export const ScanErrorCode = {
  NoMealSlotOpen: 'NO_MEAL_SLOT_OPEN',
  DinerNotFound: 'DINER_NOT_FOUND',
  DinerInactive: 'DINER_INACTIVE',
  OutsideGeofence: 'OUTSIDE_GEOFENCE',
  MealAlreadyTaken: 'MEAL_ALREADY_TAKEN',
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  IdempotencyKeyInvalid: 'IDEMPOTENCY_KEY_INVALID',
  CanteenNotFound: 'CANTEEN_NOT_FOUND',
  CanteenInactive: 'CANTEEN_INACTIVE',
  MealNotFound: 'MEAL_NOT_FOUND',
  MealVoided: 'MEAL_VOIDED',
  MealAlreadyVoided: 'MEAL_ALREADY_VOIDED',
  ScanConflict: 'SCAN_CONFLICT',
  PassMalformed: 'PASS_MALFORMED',
  PassForged: 'PASS_FORGED',
  PassExpired: 'PASS_EXPIRED',
  PassAlreadyUsed: 'PASS_ALREADY_USED',
  PassWrongCanteen: 'PASS_WRONG_CANTEEN',
  PassWrongSlot: 'PASS_WRONG_SLOT',
  TerminalInactive: 'TERMINAL_INACTIVE',
} as const;

export class NoMealSlotOpenException extends DomainException {
  constructor(canteenName: string, hours: string) {
    super(
      ScanErrorCode.NoMealSlotOpen,
      DomainErrorKind.Unprocessable,
      `${canteenName}现在不在供餐时间（${hours}） (no meal slot of ${canteenName} is open now; hours: ${hours})`,
    );
  }
}

export class DinerNotFoundException extends DomainException {
  constructor() {
    super(ScanErrorCode.DinerNotFound, DomainErrorKind.Forbidden, '未找到您的用餐人档案，请联系管理员 (no staff record for this account)');
  }
}

export class DinerInactiveException extends DomainException {
  constructor(what: 'diner' | 'unit') {
    super(
      ScanErrorCode.DinerInactive,
      DomainErrorKind.Unprocessable,
      what === 'diner' ? '您的用餐资格已停用，请联系管理员 (this diner is deactivated)' : '您所在单位已停用，不能扫码就餐 (the diner\'s unit is deactivated)',
    );
  }
}

export class OutsideGeofenceException extends DomainException {
  constructor(distanceM: number, allowedM: number, canteenName: string) {
    const d = Math.round(distanceM);
    super(
      ScanErrorCode.OutsideGeofence,
      DomainErrorKind.Unprocessable,
      `您距离${canteenName}约 ${d} 米，超出允许范围（${Math.round(allowedM)} 米），请到食堂现场扫码 (you are about ${d} m from the canteen, more than the allowed ${Math.round(allowedM)} m)`,
      [
        { field: 'distanceMeters', message: String(d) },
        { field: 'allowedMeters', message: String(Math.round(allowedM)) },
      ],
    );
  }
}

export class MealAlreadyTakenException extends DomainException {
  constructor(canteenName: string, scannedAt: Date, localTime: string, slotLabelText: string, mealId: string) {
    super(
      ScanErrorCode.MealAlreadyTaken,
      DomainErrorKind.Conflict,
      `本餐次已就餐：您已于 ${localTime} 在${canteenName}扫码（${slotLabelText}），每餐次只能就餐一次 (this meal slot is already taken: scanned at ${canteenName} at ${scannedAt.toISOString()})`,
      [
        { field: 'mealId', message: mealId },
        { field: 'canteenName', message: canteenName },
        { field: 'scannedAt', message: scannedAt.toISOString() },
      ],
    );
  }
}

export class IdempotencyKeyReusedException extends DomainException {
  constructor() {
    super(
      ScanErrorCode.IdempotencyKeyReused,
      DomainErrorKind.Unprocessable,
      '该请求编号已用于另一笔不同的请求 (the Idempotency-Key was already used with a different request body)',
    );
  }
}

export class IdempotencyKeyInvalidException extends DomainException {
  constructor() {
    const message = '缺少或无效的 Idempotency-Key 请求头：8–64 位字母、数字、- 或 _ (header Idempotency-Key is required: 8-64 characters of A-Z a-z 0-9 _ -)';
    super(ScanErrorCode.IdempotencyKeyInvalid, DomainErrorKind.Validation, message, [{ field: 'Idempotency-Key', message }]);
  }
}

export class ScanCanteenNotFoundException extends DomainException {
  constructor(canteenId: string) {
    super(ScanErrorCode.CanteenNotFound, DomainErrorKind.NotFound, `食堂不存在 (canteen ${canteenId} not found)`);
  }
}

export class ScanCanteenInactiveException extends DomainException {
  constructor(canteenName: string) {
    super(ScanErrorCode.CanteenInactive, DomainErrorKind.Unprocessable, `${canteenName}已停用 (the canteen is inactive)`);
  }
}

export class MealNotFoundException extends DomainException {
  constructor(mealId: string) {
    super(ScanErrorCode.MealNotFound, DomainErrorKind.NotFound, `就餐记录不存在 (meal ${mealId} not found)`);
  }
}

export class MealVoidedException extends DomainException {
  constructor(voidedAt: Date | null, reason: string | null) {
    super(
      ScanErrorCode.MealVoided,
      DomainErrorKind.Gone,
      `该就餐记录已作废${reason ? `（${reason}）` : ''} (the meal was voided${voidedAt ? ` at ${voidedAt.toISOString()}` : ''})`,
      voidedAt ? [{ field: 'voidedAt', message: voidedAt.toISOString() }] : [],
    );
  }
}

export class MealAlreadyVoidedException extends DomainException {
  constructor(voidedAt: Date | null) {
    super(
      ScanErrorCode.MealAlreadyVoided,
      DomainErrorKind.Conflict,
      `该就餐记录已作废 (the meal was already voided${voidedAt ? ` at ${voidedAt.toISOString()}` : ''} by another request)`,
    );
  }
}

export class ScanConflictException extends DomainException {
  constructor() {
    super(ScanErrorCode.ScanConflict, DomainErrorKind.Conflict, '请求冲突，请重试 (the scan conflicted with a concurrent change; retry)');
  }
}

export class PassMalformedException extends DomainException {
  constructor(reason: string) {
    super(ScanErrorCode.PassMalformed, DomainErrorKind.Unprocessable, `无法识别的就餐凭证 (not a readable meal pass: ${reason})`);
  }
}

export class PassForgedException extends DomainException {
  constructor(reason: string) {
    super(ScanErrorCode.PassForged, DomainErrorKind.Unprocessable, `就餐凭证无效，可能是伪造的 (the meal pass is not validly signed: ${reason})`);
  }
}

export class PassExpiredException extends DomainException {
  constructor(expiredAt: Date) {
    super(
      ScanErrorCode.PassExpired,
      DomainErrorKind.Gone,
      `就餐凭证已过期，请在手机上刷新凭证 (the meal pass expired at ${expiredAt.toISOString()}; refresh it on the phone)`,
      [{ field: 'expiredAt', message: expiredAt.toISOString() }],
    );
  }
}

export class PassAlreadyUsedException extends DomainException {
  constructor(usedAt: Date, localTime: string, terminalId: string | null, terminalName: string | null) {
    const by = terminalName ? `（${terminalName}）` : '';
    super(
      ScanErrorCode.PassAlreadyUsed,
      DomainErrorKind.Conflict,
      `该凭证已于 ${localTime} 核销${by}，不能重复使用 (the meal pass was already used at ${usedAt.toISOString()})`,
      [
        { field: 'usedAt', message: usedAt.toISOString() },
        ...(terminalId ? [{ field: 'usedByTerminalId', message: terminalId }] : []),
        ...(terminalName ? [{ field: 'usedByTerminalName', message: terminalName }] : []),
      ],
    );
  }
}

export class PassWrongCanteenException extends DomainException {
  constructor(passCanteenName: string) {
    super(
      ScanErrorCode.PassWrongCanteen,
      DomainErrorKind.Unprocessable,
      `该凭证属于${passCanteenName}，不能在本食堂使用 (the meal pass is for another canteen: ${passCanteenName})`,
    );
  }
}

export class PassWrongSlotException extends DomainException {
  constructor(passDate: string, passSlotLabel: string, nowText: string) {
    super(
      ScanErrorCode.PassWrongSlot,
      DomainErrorKind.Unprocessable,
      `该凭证是 ${passDate} ${passSlotLabel}的，当前${nowText} (the meal pass is for ${passDate} ${passSlotLabel}, not the slot open now)`,
    );
  }
}

export class TerminalInactiveException extends DomainException {
  constructor() {
    super(ScanErrorCode.TerminalInactive, DomainErrorKind.Forbidden, '该终端不存在、已停用或不属于此食堂 (this terminal is unknown, deactivated or bound to another canteen)');
  }
}
