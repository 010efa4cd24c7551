import { bootstrapService } from '@meal/platform';
import { RiskAppModule } from './risk-app.module';

void bootstrapService(
  () => RiskAppModule.forRoot(),
  {
    title: '公务餐 risk service',
    description: 'Warning models over Kafka (duplicate subsidy claims, same-city mutual treating) and the inspectors\' API.',
  },
  (config) => config.http.riskPort,
);
