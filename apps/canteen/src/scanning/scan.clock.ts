/** The current time for scanning and verification decisions (slot open, meal date, pass expiry). Tests pin it. */
export interface ScanClock {
  now(): Date;
}

/** Injection token of the ScanClock; override with `.overrideProvider(SCAN_CLOCK).useValue({ now: () => … })`. */
export const SCAN_CLOCK = Symbol('SCAN_CLOCK');

export const systemScanClock: ScanClock = { now: () => new Date() };
