import { stopKafkaBroker } from '../libs/testing/src/kafka-broker';

/** Stops the broker only if the test setup started it. */
export default async function globalTeardown(): Promise<void> {
  if ((globalThis as { __MEAL_STARTED_KAFKA__?: boolean }).__MEAL_STARTED_KAFKA__) stopKafkaBroker();
}
