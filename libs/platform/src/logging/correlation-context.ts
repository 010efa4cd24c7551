import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<{ correlationId: string }>();
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id of the work in progress: taken from the `x-correlation-id` HTTP header or Kafka header,
 * or made anew; carried through async calls, logs and outgoing events.
 */
export const CorrelationContext = {
  run<T>(correlationId: string | undefined, work: () => T): T {
    return storage.run({ correlationId: CorrelationContext.accept(correlationId) }, work);
  },
  current(): string | undefined {
    return storage.getStore()?.correlationId;
  },
  /** Accepts a caller's id when it is well-formed, otherwise makes a new one. */
  accept(candidate: unknown): string {
    return typeof candidate === 'string' && VALID_ID.test(candidate) ? candidate : randomUUID();
  },
};
