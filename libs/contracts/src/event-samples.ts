import { randomUUID } from 'node:crypto';
import { createEvent, CreateEventOptions, EventOf, EventTypes } from './event-registry';
import { AllowanceClaimV1, ReceptionRecordV1 } from './events/finance-events';
import { MealScannedV1, MealVerifiedV1, MealVoidedV1 } from './events/meal-events';
import { RiskAlertRaisedV1 } from './events/risk-events';
import { SettlementPeriodClosedV1, SettlementStatementApprovedV1 } from './events/settlement-events';

/**
 * Valid sample events for tests, benchmarks and the demo (import from '@meal/contracts/event-samples').
 * Every builder takes payload overrides; the result always passes parseEvent unless an override breaks it.
 */
export function sampleMealScanned(overrides: Partial<MealScannedV1> = {}, options: CreateEventOptions = {}): EventOf<'meal.scanned', 1> {
  const payload: MealScannedV1 = {
    mealId: randomUUID(),
    dinerId: 'staff-330802-0001',
    dinerUnitId: 'unit-kecheng-finance',
    dinerRegionCode: '330802',
    canteenId: 'canteen-qujiang-gov',
    canteenOwnerUnitId: 'unit-qujiang-office',
    canteenRegionCode: '330803',
    slot: 'lunch',
    mealDate: '2025-03-03',
    scannedAt: '2025-03-03T04:05:06.000Z',
    priceFen: 4000,
    payer: 'self',
    paymentKind: 'personal-wallet',
    scanLatitude: 28.9705,
    scanLongitude: 118.8731,
    distanceMeters: 35.2,
    withinGeofence: true,
    codeVersion: 1,
    ...overrides,
  };
  return createEvent(EventTypes.MealScanned, 1, payload.mealId, payload, options);
}

export function sampleMealVerified(overrides: Partial<MealVerifiedV1> = {}, options: CreateEventOptions = {}): EventOf<'meal.verified', 1> {
  const payload: MealVerifiedV1 = {
    mealId: randomUUID(),
    dinerId: 'staff-330802-0001',
    canteenId: 'canteen-qujiang-gov',
    terminalId: 'terminal-01',
    verifiedAt: '2025-03-03T04:06:00.000Z',
    offline: false,
    ...overrides,
  };
  return createEvent(EventTypes.MealVerified, 1, payload.mealId, payload, options);
}

export function sampleMealVoided(overrides: Partial<MealVoidedV1> = {}, options: CreateEventOptions = {}): EventOf<'meal.voided', 1> {
  const payload: MealVoidedV1 = {
    mealId: randomUUID(),
    dinerId: 'staff-330802-0001',
    canteenId: 'canteen-qujiang-gov',
    reason: 'scanned twice by mistake',
    voidedAt: '2025-03-03T04:10:00.000Z',
    refundFen: 4000,
    ...overrides,
  };
  return createEvent(EventTypes.MealVoided, 1, payload.mealId, payload, options);
}

export function sampleAllowanceClaim(overrides: Partial<AllowanceClaimV1> = {}, options: CreateEventOptions = {}): EventOf<'allowance.claim', 1> {
  const payload: AllowanceClaimV1 = {
    claimId: `claim-${randomUUID()}`,
    dinerId: 'staff-330802-0001',
    dinerUnitId: 'unit-kecheng-finance',
    tripStart: '2025-03-03',
    tripEnd: '2025-03-04',
    destinationRegionCode: '330803',
    days: 2,
    allowanceFen: 20000,
    status: 'submitted',
    ...overrides,
  };
  return createEvent(EventTypes.AllowanceClaim, 1, payload.claimId, payload, options);
}

export function sampleReceptionRecord(overrides: Partial<ReceptionRecordV1> = {}, options: CreateEventOptions = {}): EventOf<'reception.record', 1> {
  const payload: ReceptionRecordV1 = {
    recordId: `reception-${randomUUID()}`,
    hostUnitId: 'unit-qujiang-office',
    guestUnitIds: ['unit-kecheng-finance'],
    date: '2025-03-03',
    headcount: 4,
    amountFen: 48000,
    officialLetterRef: null,
    place: 'Qujiang government canteen, room 2',
    ...overrides,
  };
  return createEvent(EventTypes.ReceptionRecord, 1, payload.recordId, payload, options);
}

export function sampleRiskAlertRaised(overrides: Partial<RiskAlertRaisedV1> = {}, options: CreateEventOptions = {}): EventOf<'risk.alert-raised', 1> {
  const payload: RiskAlertRaisedV1 = {
    alertId: randomUUID(),
    caseId: randomUUID(),
    model: 'duplicate-subsidy',
    modelVersion: '1',
    severity: 'medium',
    subjectType: 'diner',
    subjectId: 'staff-330802-0001',
    jurisdictionRegionCode: '330802',
    explanation: 'Lunch on 2025-03-03 was paid by the unit while the travel meal allowance for that day was claimed.',
    evidence: [{ kind: 'meal', ref: 'meal-1', summary: 'unit-paid lunch, 40.00 yuan', amountFen: 4000, occurredAt: '2025-03-03T04:05:06.000Z' }],
    raisedAt: '2025-03-04T01:00:00.000Z',
    ...overrides,
  };
  return createEvent(EventTypes.RiskAlertRaised, 1, payload.caseId, payload, options);
}

export function sampleSettlementPeriodClosed(
  overrides: Partial<SettlementPeriodClosedV1> = {},
  options: CreateEventOptions = {},
): EventOf<'settlement.period-closed', 1> {
  const payload: SettlementPeriodClosedV1 = {
    periodId: '2025-03',
    periodStart: '2025-03-01',
    periodEnd: '2025-03-31',
    closedAt: '2025-04-01T02:00:00.000Z',
    closedBy: 'staff-clearing-0001',
    mealCount: 1200,
    grossFen: 4_800_000,
    statementIds: ['statement-2025-03-330802', 'statement-2025-03-330803'],
    ...overrides,
  };
  return createEvent(EventTypes.SettlementPeriodClosed, 1, payload.periodId, payload, options);
}

export function sampleSettlementStatementApproved(
  overrides: Partial<SettlementStatementApprovedV1> = {},
  options: CreateEventOptions = {},
): EventOf<'settlement.statement-approved', 1> {
  const payload: SettlementStatementApprovedV1 = {
    statementId: 'statement-2025-03-330802',
    periodId: '2025-03',
    partyType: 'region',
    partyId: '330802',
    receivableFen: 120_000,
    payableFen: 80_000,
    netFen: 40_000,
    mealCount: 50,
    approvedAt: '2025-04-02T02:00:00.000Z',
    approvedBy: 'staff-clearing-0002',
    ...overrides,
  };
  return createEvent(EventTypes.SettlementStatementApproved, 1, payload.statementId, payload, options);
}
