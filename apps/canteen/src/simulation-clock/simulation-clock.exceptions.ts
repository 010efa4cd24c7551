import { DomainErrorKind, DomainException } from '@meal/platform';

export enum SimulationClockErrorCode {
  Disabled = 'SIMULATION_CLOCK_DISABLED',
}

export class SimulationClockDisabledException extends DomainException {
  constructor() {
    super(SimulationClockErrorCode.Disabled, DomainErrorKind.Forbidden, '模拟时钟未开启（SIMULATION_CLOCK_ENABLED=false）：只有模拟器环境可以调整扫码时钟');
  }
}
