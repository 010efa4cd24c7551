/** Options of OutboxModule.forRoot(); all optional. */
export interface OutboxOptions {
  /** Run the relay in this process (default true). The writer works either way. */
  relayEnabled?: boolean;
  /** How often the relay looks for unpublished rows (default 100 ms). */
  pollIntervalMs?: number;
  /** Rows claimed and published per transaction (default 500). */
  batchSize?: number;
  /** First retry delay after a failed publish; doubles up to maxBackoffMs (defaults 250 ms, 10 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Only one relay (across processes) publishes at a time, by a transaction-level advisory lock, so the events of
   * one key leave in commit order even with several instances (default true). With false, several relays publish
   * concurrently (FOR UPDATE SKIP LOCKED keeps every row to one relay) at the price of cross-batch ordering.
   */
  exclusive?: boolean;
  /** Published rows are deleted after this many hours (default 72; 0 keeps them). */
  retentionHours?: number;
}

export type ResolvedOutboxOptions = Required<OutboxOptions>;

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

export function resolveOutboxOptions(options: OutboxOptions = {}): ResolvedOutboxOptions {
  return {
    relayEnabled: options.relayEnabled ?? true,
    pollIntervalMs: options.pollIntervalMs ?? 100,
    batchSize: options.batchSize ?? 500,
    initialBackoffMs: options.initialBackoffMs ?? 250,
    maxBackoffMs: options.maxBackoffMs ?? 10_000,
    exclusive: options.exclusive ?? true,
    retentionHours: options.retentionHours ?? 72,
  };
}

