import { Module } from '@nestjs/common';
import { ScanningModule } from '../scanning/scanning.module';
import { SimulationClockController } from './simulation-clock.controller';
import { SimulationClockService } from './simulation-clock.service';

/** PUT/GET /simulation/clock (simulator only). The clock itself is bound to SCAN_CLOCK by ScanningModule. */
@Module({
  imports: [ScanningModule],
  controllers: [SimulationClockController],
  providers: [SimulationClockService],
})
export class SimulationClockModule {}
