import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@meal/config';
import { AdjustableScanClock, SCAN_CLOCK, ScanClock } from '../scanning/scan.clock';
import { SimulationClockDisabledException } from './simulation-clock.exceptions';

/** Reads and moves the scan clock for the simulator; refused unless SIMULATION_CLOCK_ENABLED. */
@Injectable()
export class SimulationClockService {
  constructor(
    @Inject(SCAN_CLOCK) private readonly clock: ScanClock,
    private readonly config: AppConfig,
  ) {}

  read(): { now: Date; offsetSeconds: number } {
    const clock = this.adjustable();
    return { now: clock.now(), offsetSeconds: clock.offsetSeconds };
  }

  set(at: Date): { now: Date; offsetSeconds: number } {
    const clock = this.adjustable();
    clock.set(at);
    return { now: clock.now(), offsetSeconds: clock.offsetSeconds };
  }

  private adjustable(): AdjustableScanClock {
    if (!this.config.scan.simulationClockEnabled || !(this.clock instanceof AdjustableScanClock)) throw new SimulationClockDisabledException();
    return this.clock;
  }
}
