import { Module } from '@nestjs/common';
import { AppConfig } from '@meal/config';
import { MealCodeModule } from '../meal-code/meal-code.module';
import { MealActivityBus } from './meal-activity.bus';
import { MealActivityFanout } from './meal-activity.fanout';
import { MealRepository } from './meal.repository';
import { PassKeyService } from './pass-key.service';
import { AdjustableScanClock, SCAN_CLOCK, systemScanClock } from './scan.clock';
import { ScanDirectory } from './scan-directory.service';
import { ScanService } from './scan.service';
import { MealsController, ScansController } from './scanning.controller';

/**
 * The meal-code feature configured from AppConfig, as ONE module object: the app module and ScanningModule both
 * import this constant, so Nest creates one MealCodeModule (one set of routes, one signer).
 */
export const CANTEEN_MEAL_CODE_MODULE = MealCodeModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => config.mealCode });

/**
 * 扫码就餐: scans, meals, passes, voids. Needs the TypeORM connection mapping SCANNING_ENTITIES, MealCodeModule
 * (configured by the app), KafkaModule + OutboxModule (global) and MetricsModule. Exports what the terminal module
 * uses, and SCAN_CLOCK so a test app can pin the time with `.overrideProvider(SCAN_CLOCK).useValue(...)`.
 */
@Module({
  imports: [CANTEEN_MEAL_CODE_MODULE],
  controllers: [ScansController, MealsController],
  providers: [
    // the real clock; the simulator's adjustable one only when SIMULATION_CLOCK_ENABLED (refused in production)
    { provide: SCAN_CLOCK, inject: [AppConfig], useFactory: (config: AppConfig) => (config.scan.simulationClockEnabled ? new AdjustableScanClock(config.scan.simulationClockStart) : systemScanClock) },
    MealRepository,
    ScanDirectory,
    PassKeyService,
    MealActivityBus,
    MealActivityFanout,
    ScanService,
  ],
  exports: [SCAN_CLOCK, MealRepository, ScanDirectory, PassKeyService, MealActivityBus, ScanService],
})
export class ScanningModule {}
