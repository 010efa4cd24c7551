import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@meal/auth';
import { ConfigModule } from '@meal/config';
import { DatabaseModule } from '@meal/database';
import { KAFKA_ENTITIES, KafkaHealthIndicator, KafkaModule, OutboxModule } from '@meal/kafka';
import { ORGANISATION_ENTITIES } from '@meal/organisation';
import { HealthModule, LoggingModule, MetricsModule } from '@meal/platform';
import { BacktestModule } from './backtest/backtest.module';
import { RiskCaseEntity } from './cases/case.entity';
import { CasesModule } from './cases/cases.module';
import { ConsoleModule } from './console/console.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { EvaluationModule } from './evaluation/evaluation.module';
import { RISK_FACT_ENTITIES } from './facts/fact.entities';
import { ImportsModule } from './imports/imports.module';
import { InspectorsModule } from './inspectors/inspectors.module';
import { RiskModelSettingsEntity } from './model-settings/model-settings.entity';
import { ReplayModule } from './replay/replay.module';
import { SnoozesModule } from './snoozes/snoozes.module';
import { RiskWarningEntity } from './warnings/warning.entity';
import { WarningsModule } from './warnings/warnings.module';

/** Every entity the risk service maps, listed explicitly (it reads the organisation model, owns the risk tables; its repositories use SQL). */
export const RISK_ENTITIES = [
  ...ORGANISATION_ENTITIES,
  ...KAFKA_ENTITIES,
  ...RISK_FACT_ENTITIES,
  RiskModelSettingsEntity,
  RiskWarningEntity,
  RiskCaseEntity,
];

/**
 * The risk service: the `risk.models` consumer (facts → warning models → warnings grouped into cases → alerts via
 * the transactional outbox), the model settings and backtest API, the finance imports and the warnings/cases reads.
 */
@Module({})
export class RiskAppModule {
  static forRoot(configOverrides: Record<string, string> = {}): DynamicModule {
    return {
      module: RiskAppModule,
      imports: [
        ConfigModule.forRoot(configOverrides),
        LoggingModule.forRoot('risk'),
        DatabaseModule.forRoot(RISK_ENTITIES),
        MetricsModule,
        KafkaModule.forRoot(),
        HealthModule.forRoot({ contributors: [KafkaHealthIndicator] }),
        AuthModule.forRoot(),
        OutboxModule.forRoot(),
        EvaluationModule,
        WarningsModule,
        CasesModule,
        BacktestModule,
        ImportsModule,
        ReplayModule,
        InspectorsModule,
        SnoozesModule,
        DashboardModule,
        ConsoleModule,
      ],
    };
  }
}
