import { bootstrapService } from '@meal/platform';
import { CanteenAppModule } from './canteen-app.module';

void bootstrapService(
  () => CanteenAppModule.forRoot(),
  {
    title: '公务餐 canteen service',
    description: 'Organisation administration, identity, meal codes, scanning, passes, terminals and settlement.',
  },
  (config) => config.http.canteenPort,
  (config) => config.http.canteenWorkers,
);
