import { DomainErrorKind, DomainException } from '@meal/platform';

/** Stable machine codes of the settlement feature. */
export enum SettlementErrorCode {
  PeriodNotFound = 'SETTLEMENT_PERIOD_NOT_FOUND',
  PeriodNotOver = 'SETTLEMENT_PERIOD_NOT_OVER',
  PeriodNotClosed = 'SETTLEMENT_PERIOD_NOT_CLOSED',
  MonthClosed = 'SETTLEMENT_MONTH_CLOSED',
  StatementNotFound = 'SETTLEMENT_STATEMENT_NOT_FOUND',
  StatementTransition = 'SETTLEMENT_STATEMENT_ILLEGAL_TRANSITION',
  ClearingRoleRequired = 'SETTLEMENT_CLEARING_ROLE_REQUIRED',
  UnitRoleRequired = 'SETTLEMENT_UNIT_CONFIRMATION_REQUIRED',
  ScopeViolation = 'SETTLEMENT_SCOPE_VIOLATION',
  ScopeUnknown = 'SETTLEMENT_SCOPE_UNKNOWN',
}

/** The key is not a calendar day (YYYY-MM-DD) or month (YYYY-MM), e.g. 2025-02-30 or 2025-13. */
export class SettlementPeriodNotFoundException extends DomainException {
  constructor(key: string) {
    const message = `结算期 ${key} 不存在，请使用 YYYY-MM-DD（日）或 YYYY-MM（月） (no settlement period ${key}: use YYYY-MM-DD for a day or YYYY-MM for a month)`;
    super(SettlementErrorCode.PeriodNotFound, DomainErrorKind.NotFound, message, [{ field: 'period', message }]);
  }
}

/** Closing a period that is not over yet (today, the current month, the future). */
export class SettlementPeriodNotOverException extends DomainException {
  constructor(key: string, closableFrom: Date) {
    const message = `结算期 ${key} 尚未结束，不能关账（最早可于 ${closableFrom.toISOString()} 关账） (settlement period ${key} is not over: it can be closed from ${closableFrom.toISOString()})`;
    super(SettlementErrorCode.PeriodNotOver, DomainErrorKind.Unprocessable, message, [{ field: 'period', message }]);
  }
}

/** Nets of a period that has not been closed yet. */
export class SettlementPeriodNotClosedException extends DomainException {
  constructor(key: string) {
    super(SettlementErrorCode.PeriodNotClosed, DomainErrorKind.NotFound, `结算期 ${key} 尚未关账 (settlement period ${key} is not closed yet)`);
  }
}

export class SettlementStatementNotFoundException extends DomainException {
  constructor(id: string) {
    super(SettlementErrorCode.StatementNotFound, DomainErrorKind.NotFound, `结算单 ${id} 不存在 (no settlement statement ${id})`);
  }
}

const STATUS_TEXT: Record<string, string> = { prepared: '待审核', approved: '已审核', paid: '已付款', confirmed: '已确认' };

/** approve twice, pay before approval, confirm before payment… */
export class SettlementStatementTransitionException extends DomainException {
  constructor(id: string, current: string, action: string, required: string) {
    super(
      SettlementErrorCode.StatementTransition,
      DomainErrorKind.Conflict,
      `结算单当前状态为“${STATUS_TEXT[current] ?? current}”，不能${action} (statement ${id} is ${current}; ${action === '审核' ? 'approve' : action === '付款' ? 'pay' : 'confirm'} needs ${required})`,
      [{ field: 'status', message: current }],
    );
  }
}

/** Closing periods, approving and paying are for the clearing company (a settlement officer without a unit). */
export class SettlementClearingRoleRequiredException extends DomainException {
  constructor(action: string) {
    super(
      SettlementErrorCode.ClearingRoleRequired,
      DomainErrorKind.Forbidden,
      `只有国资公司结算员可以${action} (only a clearing-company settlement officer may ${action === '关账' ? 'close periods' : action === '审核结算单' ? 'approve statements' : 'mark statements paid'})`,
    );
  }
}

/** Confirming receipt is for the unit's (or district's) own finance officer. */
export class SettlementUnitRoleRequiredException extends DomainException {
  constructor() {
    super(
      SettlementErrorCode.UnitRoleRequired,
      DomainErrorKind.Forbidden,
      '结算单须由本单位（本地区）财务结算员确认 (a statement is confirmed by the finance officer of its own unit or district)',
    );
  }
}

/** A statement or net position outside the officer's region. */
export class SettlementScopeViolationException extends DomainException {
  constructor(what: string) {
    super(SettlementErrorCode.ScopeViolation, DomainErrorKind.Forbidden, `${what}不在您的结算管辖范围内 (${what} is outside your settlement scope)`);
  }
}

/** A unit finance officer whose unit no longer exists. */
export class SettlementScopeUnknownException extends DomainException {
  constructor() {
    super(SettlementErrorCode.ScopeUnknown, DomainErrorKind.Forbidden, '无法确定您的结算管辖范围 (the unit of this settlement officer was not found)');
  }
}
