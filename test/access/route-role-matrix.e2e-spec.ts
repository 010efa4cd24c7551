import { CanteenAppModule } from '../../apps/canteen/src/canteen-app.module';
import { RiskAppModule } from '../../apps/risk/src/risk-app.module';
import { CANTEEN_ROUTE_ACCESS, RISK_ROUTE_ACCESS } from './route-access.expectations';
import { describeMatrix } from './route-role-matrix';

/** Every HTTP route of both services × every role (+ no token) against the table in route-access.expectations.ts. */
describeMatrix('canteen', (overrides) => CanteenAppModule.forRoot(overrides), CANTEEN_ROUTE_ACCESS);
describeMatrix('risk', (overrides) => RiskAppModule.forRoot(overrides), RISK_ROUTE_ACCESS);
