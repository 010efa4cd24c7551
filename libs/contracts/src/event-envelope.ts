import { isInt, isUUID } from 'class-validator';
import { FieldError, isPlainObject } from './contract-validation';
import { isUtcTimestamp } from './validators';

/**
 * The envelope every event travels in. `type` + `version` select the payload schema; `aggregateId` is the
 * partition key (events of one aggregate stay in order); `occurredAt` is an ISO-8601 UTC instant.
 */
export interface EventEnvelope<T extends string = string, V extends number = number, P extends object = object> {
  eventId: string;
  type: T;
  version: V;
  occurredAt: string;
  aggregateId: string;
  correlationId?: string;
  payload: P;
}

export const ENVELOPE_FIELDS = ['eventId', 'type', 'version', 'occurredAt', 'aggregateId', 'correlationId', 'payload'] as const;

const EVENT_TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Checks the envelope's own fields (not the payload). Unknown envelope fields are refused. */
export function checkEnvelope(raw: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!(ENVELOPE_FIELDS as readonly string[]).includes(key)) errors.push({ field: key, message: `property ${key} should not exist` });
  }
  if (!isUUID(raw.eventId)) errors.push({ field: 'eventId', message: 'eventId must be a UUID' });
  if (typeof raw.type !== 'string' || !EVENT_TYPE.test(raw.type)) {
    errors.push({ field: 'type', message: 'type must be a dotted lower-case event type like meal.scanned' });
  }
  if (!isInt(raw.version) || (raw.version as number) < 1) errors.push({ field: 'version', message: 'version must be a positive integer' });
  if (!isUtcTimestamp(raw.occurredAt)) errors.push({ field: 'occurredAt', message: 'occurredAt must be an ISO-8601 UTC timestamp' });
  if (typeof raw.aggregateId !== 'string' || raw.aggregateId.length < 1 || raw.aggregateId.length > 128) {
    errors.push({ field: 'aggregateId', message: 'aggregateId must be a string of 1-128 characters' });
  }
  if (raw.correlationId !== undefined && (typeof raw.correlationId !== 'string' || !CORRELATION_ID.test(raw.correlationId))) {
    errors.push({ field: 'correlationId', message: 'correlationId must be 1-128 letters, digits and ._:- characters' });
  }
  if (!isPlainObject(raw.payload)) errors.push({ field: 'payload', message: 'payload must be an object' });
  return errors;
}
