import { isInt, isUUID } from 'class-validator';
import { FieldError, isPlainObject } from './contract-validation';
import { PRODUCER_SYSTEMS, ProducerSystem } from './topics';
import { isUtcTimestamp } from './validators';

/**
 * An HTTP import through the risk service: the person who imported the file, when, and the file's SHA-256 (hex).
 * Travels in every event of the import and is stored with every fact it becomes.
 */
export interface ImportAttribution {
  /** Staff id of the importer. */
  importedBy: string;
  importedByName: string;
  importedAt: string;
  fileSha256: string;
}

/** Who produced an event: the system (one Kafka principal each), and for imports who imported which file. */
export interface EventProducer {
  system: ProducerSystem;
  import?: ImportAttribution;
}

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
  /**
   * Who produced the event. Publishers stamp their own system when absent; a consumer checks it against the writer
   * of the topic the message came from (the ACLs let only that principal write there) and dead-letters a mismatch.
   */
  producer?: EventProducer;
  payload: P;
}

export const ENVELOPE_FIELDS = ['eventId', 'type', 'version', 'occurredAt', 'aggregateId', 'correlationId', 'producer', 'payload'] as const;
const IMPORT_FIELDS = ['importedBy', 'importedByName', 'importedAt', 'fileSha256'];
const SHA256_HEX = /^[0-9a-f]{64}$/;

function checkProducer(raw: unknown): FieldError[] {
  if (!isPlainObject(raw)) return [{ field: 'producer', message: 'producer must be an object' }];
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (key !== 'system' && key !== 'import') errors.push({ field: `producer.${key}`, message: `property producer.${key} should not exist` });
  }
  if (!(PRODUCER_SYSTEMS as readonly unknown[]).includes(raw.system)) {
    errors.push({ field: 'producer.system', message: `producer.system must be one of ${PRODUCER_SYSTEMS.join(', ')}` });
  }
  if (raw.import === undefined) return errors;
  const attribution = raw.import;
  if (!isPlainObject(attribution)) return [...errors, { field: 'producer.import', message: 'producer.import must be an object' }];
  for (const key of Object.keys(attribution)) {
    if (!IMPORT_FIELDS.includes(key)) errors.push({ field: `producer.import.${key}`, message: `property producer.import.${key} should not exist` });
  }
  if (!isUUID(attribution.importedBy)) errors.push({ field: 'producer.import.importedBy', message: 'importedBy must be a staff id (UUID)' });
  if (typeof attribution.importedByName !== 'string' || attribution.importedByName.length < 1 || attribution.importedByName.length > 64) {
    errors.push({ field: 'producer.import.importedByName', message: 'importedByName must be a string of 1-64 characters' });
  }
  if (!isUtcTimestamp(attribution.importedAt)) errors.push({ field: 'producer.import.importedAt', message: 'importedAt must be an ISO-8601 UTC timestamp' });
  if (typeof attribution.fileSha256 !== 'string' || !SHA256_HEX.test(attribution.fileSha256)) {
    errors.push({ field: 'producer.import.fileSha256', message: 'fileSha256 must be 64 lower-case hex digits' });
  }
  return errors;
}

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
  if (raw.producer !== undefined) errors.push(...checkProducer(raw.producer));
  if (!isPlainObject(raw.payload)) errors.push({ field: 'payload', message: 'payload must be an object' });
  return errors;
}
