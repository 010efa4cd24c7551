/** The current time for settlement decisions (whether a period is over). Tests pin it. */
export interface SettlementClock {
  now(): Date;
}

/** Injection token of the SettlementClock; override with `.overrideProvider(SETTLEMENT_CLOCK).useValue({ now: () => … })`. */
export const SETTLEMENT_CLOCK = Symbol('SETTLEMENT_CLOCK');

export const systemSettlementClock: SettlementClock = { now: () => new Date() };
