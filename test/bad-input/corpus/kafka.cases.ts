import { randomBytes, randomUUID } from 'node:crypto';
import { Topics } from '@meal/contracts';
import { KafkaCase } from './corpus.types';
import { nestedObjectJson } from '../support/forge';

/** A valid event per input topic of the risk service (the hostile variants are made from it). */
export interface KafkaCorpusContext {
  validByTopic: Record<string, Record<string, unknown> & { payload: Record<string, unknown> }>;
}

/** The first string field of a payload that is an identifier (dinerId, claimId, recordId). */
const ID_FIELD: Record<string, string> = {
  [Topics.MealEvents]: 'dinerId',
  [Topics.AllowanceClaims]: 'claimId',
  [Topics.ReceptionRecords]: 'recordId',
};

/** A payload field given the wrong type, per topic. */
const NUMBER_FIELD: Record<string, string> = {
  [Topics.MealEvents]: 'priceFen',
  [Topics.AllowanceClaims]: 'allowanceFen',
  [Topics.ReceptionRecords]: 'amountFen',
};

/**
 * Malformed, truncated, unknown-type and unknown-version messages on each input topic of the risk service
 * (meal events, allowance claims, reception records). Each must land on `<topic>.dlt` with the given `dlt-reason`,
 * and a good message sent after them on the same partition must still be processed.
 */
export function kafkaCases(ctx: KafkaCorpusContext): KafkaCase[] {
  const cases: KafkaCase[] = [];
  for (const [topic, valid] of Object.entries(ctx.validByTopic)) {
    const text = (change: (e: Record<string, unknown>) => Record<string, unknown>): string => JSON.stringify(change({ ...valid, eventId: randomUUID() }));
    const payload = (change: Record<string, unknown>): string => text((e) => ({ ...e, payload: { ...valid.payload, ...change } }));
    const whole = JSON.stringify(valid);
    const add = (name: string, value: string | Buffer | null, reason: KafkaCase['reason']): void => {
      cases.push({ name: `${topic}: ${name}`, category: 'kafka', topic, value, reason });
    };
    add('not JSON at all', '{"eventId": "broken', 'MALFORMED_JSON');
    add('valid event truncated to half', whole.slice(0, Math.floor(whole.length / 2)), 'MALFORMED_JSON');
    add('valid event missing its last brace', whole.slice(0, -1), 'MALFORMED_JSON');
    add('empty value', '', 'MALFORMED_JSON');
    add('null value (tombstone)', null, 'MALFORMED_JSON');
    add('random binary', randomBytes(64), 'MALFORMED_JSON');
    add('JSON array', `[${whole}]`, 'MALFORMED_JSON');
    add('JSON number', '42', 'MALFORMED_JSON');
    add('envelope without eventId', text(({ eventId: _drop, ...rest }) => rest), 'INVALID_ENVELOPE');
    add('eventId that is SQL', text((e) => ({ ...e, eventId: "1' OR '1'='1" })), 'INVALID_ENVELOPE');
    add('unknown envelope field', text((e) => ({ ...e, admin: true })), 'INVALID_ENVELOPE');
    add('payload not an object', text((e) => ({ ...e, payload: 'x' })), 'INVALID_ENVELOPE');
    add('version as a string', text((e) => ({ ...e, version: '1' })), 'INVALID_ENVELOPE');
    add('version 0', text((e) => ({ ...e, version: 0 })), 'INVALID_ENVELOPE');
    add('occurredAt not a UTC time', text((e) => ({ ...e, occurredAt: 'yesterday' })), 'INVALID_ENVELOPE');
    add('unknown event type', text((e) => ({ ...e, type: 'meal.eaten-twice' })), 'UNKNOWN_EVENT_TYPE');
    add('unknown version 2', text((e) => ({ ...e, version: 2 })), 'UNSUPPORTED_VERSION');
    add('unknown version 99', text((e) => ({ ...e, version: 99 })), 'UNSUPPORTED_VERSION');
    add('payload field missing', text((e) => ({ ...e, payload: Object.fromEntries(Object.entries(valid.payload).slice(1)) })), 'INVALID_PAYLOAD');
    add('payload unknown field', payload({ injected: true }), 'INVALID_PAYLOAD');
    add('payload identifier that is SQL', payload({ [ID_FIELD[topic] as string]: "x'; DROP TABLE risk_warnings; --" }), 'INVALID_PAYLOAD');
    add('payload identifier that is a script', payload({ [ID_FIELD[topic] as string]: '<img src=x onerror=alert(1)>' }), 'INVALID_PAYLOAD');
    add('payload amount as a float', payload({ [NUMBER_FIELD[topic] as string]: 12.5 }), 'INVALID_PAYLOAD');
    add('payload amount negative', payload({ [NUMBER_FIELD[topic] as string]: -1 }), 'INVALID_PAYLOAD');
    add('payload nested 100,000 deep', text((e) => ({ ...e, payload: '__NESTED__' })).replace('"__NESTED__"', `{"x":${nestedObjectJson(100_000)}}`), 'INVALID_PAYLOAD');
    add('payload field nested 100,000 deep', payload({ [ID_FIELD[topic] as string]: '__NESTED__' }).replace('"__NESTED__"', nestedObjectJson(100_000)), 'INVALID_PAYLOAD');
    // text a contract allows but PostgreSQL cannot store: the handler fails, retries, then dead-letters it
    const textField = topic === Topics.ReceptionRecords ? 'place' : undefined;
    if (textField) add('payload text with a NUL character', payload({ [textField]: '会议室\u0000' }), 'HANDLER_FAILED');
    add('900 KB message', payload({ [ID_FIELD[topic] as string]: 'x'.repeat(900_000) }), 'INVALID_PAYLOAD');
  }
  return cases;
}
