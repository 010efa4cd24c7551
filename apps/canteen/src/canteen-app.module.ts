import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@meal/auth';
import { ConfigModule } from '@meal/config';
import { DatabaseModule } from '@meal/database';
import { KAFKA_ENTITIES, KafkaHealthIndicator, KafkaModule, OutboxModule } from '@meal/kafka';
import { ORGANISATION_ENTITIES } from '@meal/organisation';
import { HealthModule, LoggingModule, MetricsModule } from '@meal/platform';
import { IdentityModule } from './identity/identity.module';
import { MEAL_CODE_ENTITIES } from './meal-code/meal-code.entity';
import { OrganisationAdminModule } from './organisation/organisation-admin.module';
import { SCANNING_ENTITIES } from './scanning/meal.entity';
import { CANTEEN_MEAL_CODE_MODULE, ScanningModule } from './scanning/scanning.module';
import { SETTLEMENT_ENTITIES } from './settlement/settlement.entity';
import { SettlementModule } from './settlement/settlement.module';
import { SimulationClockModule } from './simulation-clock/simulation-clock.module';
import { TerminalModule } from './terminal/terminal.module';
import { WebModule } from './web/web.module';

/** Every entity the canteen service maps, listed explicitly. */
export const CANTEEN_ENTITIES = [...ORGANISATION_ENTITIES, ...KAFKA_ENTITIES, ...MEAL_CODE_ENTITIES, ...SCANNING_ENTITIES, ...SETTLEMENT_ENTITIES];

/** The canteen service: organisation administration, identity (development login), meal codes, scanning and terminals (with the outbox relay to Kafka); later settlement. */
@Module({})
export class CanteenAppModule {
  static forRoot(configOverrides: Record<string, string> = {}): DynamicModule {
    return {
      module: CanteenAppModule,
      imports: [
        ConfigModule.forRoot(configOverrides),
        LoggingModule.forRoot('canteen'),
        DatabaseModule.forRoot(CANTEEN_ENTITIES),
        MetricsModule,
        KafkaModule.forRoot(),
        HealthModule.forRoot({ contributors: [KafkaHealthIndicator] }),
        AuthModule.forRoot(),
        IdentityModule,
        OrganisationAdminModule,
        CANTEEN_MEAL_CODE_MODULE,
        OutboxModule.forRoot(),
        ScanningModule,
        TerminalModule,
        SettlementModule,
        SimulationClockModule,
        WebModule,
      ],
    };
  }
}
