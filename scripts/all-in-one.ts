/**
 * Both services in one process, for development without a Kafka broker: the canteen service and the risk service
 * share one embedded in-process event bus, so the meal events of the one reach the consumers of the other exactly
 * as they would through Kafka. `MEAL_EMBEDDED_KAFKA=1 npm run start:demo` runs this.
 */
import { bootstrapService } from '@meal/platform';
import { CanteenAppModule } from '../apps/canteen/src/canteen-app.module';
import { RiskAppModule } from '../apps/risk/src/risk-app.module';

export const ALL_IN_ONE_OVERRIDES = { KAFKA_BROKERS: '', KAFKA_EMBEDDED_BUS: 'all-in-one' };

async function main(): Promise<void> {
  await bootstrapService(
    () => CanteenAppModule.forRoot(ALL_IN_ONE_OVERRIDES),
    { title: '公务餐 canteen service (all-in-one)', description: 'The canteen service, sharing an embedded event bus with the risk service.' },
    (config) => config.http.canteenPort,
  );
  await bootstrapService(
    () => RiskAppModule.forRoot(ALL_IN_ONE_OVERRIDES),
    { title: '公务餐 risk service (all-in-one)', description: 'The risk service, sharing an embedded event bus with the canteen service.' },
    (config) => config.http.riskPort,
  );
}

void main();
