/** The current time for scanning and verification decisions (slot open, meal date, pass expiry). Tests pin it. */
export interface ScanClock {
  now(): Date;
}

/** Injection token of the ScanClock; override with `.overrideProvider(SCAN_CLOCK).useValue({ now: () => … })`. */
export const SCAN_CLOCK = Symbol('SCAN_CLOCK');

export const systemScanClock: ScanClock = { now: () => new Date() };

/**
 * A scan clock the simulator can move (PUT /simulation/clock): it runs at the real pace from wherever it was last
 * set. Bound to SCAN_CLOCK only when SIMULATION_CLOCK_ENABLED is true (never in production).
 */
export class AdjustableScanClock implements ScanClock {
  private offsetMs: number;

  constructor(start?: Date) {
    this.offsetMs = start ? start.getTime() - Date.now() : 0;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }

  get offsetSeconds(): number {
    return Math.round(this.offsetMs / 1000);
  }
}
