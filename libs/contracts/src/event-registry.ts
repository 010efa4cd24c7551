import { randomUUID } from 'node:crypto';
import { ClassConstructor } from 'class-transformer';
import { checkContract, ContractValidationError, FieldError, isPlainObject } from './contract-validation';
import { checkEnvelope, EventEnvelope, EventProducer } from './event-envelope';
import { AllowanceClaimV1, ReceptionRecordV1 } from './events/finance-events';
import { MealScannedV1, MealVerifiedV1, MealVoidedV1 } from './events/meal-events';
import { RiskAlertRaisedV1 } from './events/risk-events';
import { SettlementPeriodClosedV1, SettlementStatementApprovedV1 } from './events/settlement-events';
import { TopicName, Topics, writerOfTopic } from './topics';

export const EventTypes = {
  MealScanned: 'meal.scanned',
  MealVerified: 'meal.verified',
  MealVoided: 'meal.voided',
  AllowanceClaim: 'allowance.claim',
  ReceptionRecord: 'reception.record',
  RiskAlertRaised: 'risk.alert-raised',
  SettlementPeriodClosed: 'settlement.period-closed',
  SettlementStatementApproved: 'settlement.statement-approved',
} as const;

/**
 * Every event schema, by type and version. To evolve an event, add a new version class here (keep the old one
 * while consumers still read it) — the types below and the runtime registry follow from this one table.
 */
export const EVENT_SCHEMAS = {
  [EventTypes.MealScanned]: { 1: MealScannedV1 },
  [EventTypes.MealVerified]: { 1: MealVerifiedV1 },
  [EventTypes.MealVoided]: { 1: MealVoidedV1 },
  [EventTypes.AllowanceClaim]: { 1: AllowanceClaimV1 },
  [EventTypes.ReceptionRecord]: { 1: ReceptionRecordV1 },
  [EventTypes.RiskAlertRaised]: { 1: RiskAlertRaisedV1 },
  [EventTypes.SettlementPeriodClosed]: { 1: SettlementPeriodClosedV1 },
  [EventTypes.SettlementStatementApproved]: { 1: SettlementStatementApprovedV1 },
} as const;

/** The topic each event type is published on. */
export const EVENT_TOPICS: { readonly [T in EventType]: TopicName } = {
  [EventTypes.MealScanned]: Topics.MealEvents,
  [EventTypes.MealVerified]: Topics.MealEvents,
  [EventTypes.MealVoided]: Topics.MealEvents,
  [EventTypes.AllowanceClaim]: Topics.AllowanceClaims,
  [EventTypes.ReceptionRecord]: Topics.ReceptionRecords,
  [EventTypes.RiskAlertRaised]: Topics.Alerts,
  [EventTypes.SettlementPeriodClosed]: Topics.SettlementEvents,
  [EventTypes.SettlementStatementApproved]: Topics.SettlementEvents,
};

type Schemas = typeof EVENT_SCHEMAS;
export type EventType = keyof Schemas;
export type EventVersion<T extends EventType> = keyof Schemas[T] & number;
export type EventPayload<T extends EventType, V extends EventVersion<T>> = Schemas[T][V] extends ClassConstructor<infer P extends object> ? P : never;
/** The envelope of one event type and version, with its typed payload. */
export type EventOf<T extends EventType, V extends EventVersion<T> = EventVersion<T>> = {
  [K in V]: EventEnvelope<T, K, EventPayload<T, K>>;
}[V];

/** A valid event of any registered type and version; narrow on `type` (and `version`) to get its payload. */
export type ParsedEvent = { [T in EventType]: EventOf<T> }[EventType];

export type ParseFailureReason = 'MALFORMED_JSON' | 'INVALID_ENVELOPE' | 'UNKNOWN_EVENT_TYPE' | 'UNSUPPORTED_VERSION' | 'INVALID_PAYLOAD';

/** Why a raw message is not a valid event. What could be read of the envelope is kept for logs and the DLT. */
export class ParseFailure {
  readonly ok = false;

  constructor(
    readonly reason: ParseFailureReason,
    readonly message: string,
    readonly errors: FieldError[] = [],
    readonly eventId?: string,
    readonly type?: string,
    readonly version?: number,
  ) {}
}

export function isParseFailure(result: ParsedEvent | ParseFailure): result is ParseFailure {
  return result instanceof ParseFailure;
}

export interface EventSchema {
  type: string;
  version: number;
  payloadClass: ClassConstructor<object>;
}

/** Event schemas keyed by `type` + `version`. */
export class EventRegistry {
  private readonly schemas = new Map<string, Map<number, EventSchema>>();

  register(type: string, version: number, payloadClass: ClassConstructor<object>): this {
    const versions = this.schemas.get(type) ?? new Map<number, EventSchema>();
    if (versions.has(version)) throw new Error(`event ${type} v${version} is already registered`);
    versions.set(version, { type, version, payloadClass });
    this.schemas.set(type, versions);
    return this;
  }

  find(type: string, version: number): EventSchema | undefined {
    return this.schemas.get(type)?.get(version);
  }

  hasType(type: string): boolean {
    return this.schemas.has(type);
  }

  versionsOf(type: string): number[] {
    return [...(this.schemas.get(type)?.keys() ?? [])].sort((a, b) => a - b);
  }

  list(): EventSchema[] {
    return [...this.schemas.values()].flatMap((versions) => [...versions.values()]);
  }
}

function buildDefaultRegistry(): EventRegistry {
  const registry = new EventRegistry();
  for (const [type, versions] of Object.entries(EVENT_SCHEMAS)) {
    for (const [version, payloadClass] of Object.entries(versions as Record<string, ClassConstructor<object>>)) {
      registry.register(type, Number(version), payloadClass);
    }
  }
  return registry;
}

/** The registry of every event in EVENT_SCHEMAS. */
export const EVENT_REGISTRY: EventRegistry = buildDefaultRegistry();

function decode(raw: unknown): { value: unknown } | ParseFailure {
  if (raw === null || raw === undefined) return new ParseFailure('MALFORMED_JSON', 'the message has no value');
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
    try {
      return { value: JSON.parse(text) as unknown };
    } catch (error) {
      return new ParseFailure('MALFORMED_JSON', `the message is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { value: raw };
}

/**
 * Parses and validates one event: `raw` is the message value (Buffer or string of JSON) or an already decoded
 * object. Returns the typed event, or a ParseFailure saying why (malformed JSON, invalid envelope, unknown type,
 * unsupported version, invalid payload with every field error). Unknown fields are refused everywhere.
 */
export function parseEvent(raw: unknown, registry: EventRegistry = EVENT_REGISTRY): ParsedEvent | ParseFailure {
  const decoded = decode(raw);
  if (decoded instanceof ParseFailure) return decoded;
  const value = decoded.value;
  if (!isPlainObject(value)) return new ParseFailure('MALFORMED_JSON', 'the message is not a JSON object');

  const eventId = typeof value.eventId === 'string' ? value.eventId : undefined;
  const type = typeof value.type === 'string' ? value.type : undefined;
  const version = typeof value.version === 'number' ? value.version : undefined;

  const envelopeErrors = checkEnvelope(value);
  if (envelopeErrors.length > 0) {
    return new ParseFailure('INVALID_ENVELOPE', describe('envelope', envelopeErrors), envelopeErrors, eventId, type, version);
  }
  const schema = registry.find(type as string, version as number);
  if (!schema) {
    if (!registry.hasType(type as string)) {
      return new ParseFailure('UNKNOWN_EVENT_TYPE', `unknown event type ${String(type)}`, [], eventId, type, version);
    }
    return new ParseFailure(
      'UNSUPPORTED_VERSION',
      `event ${String(type)} v${String(version)} is not supported (known versions: ${registry.versionsOf(type as string).join(', ')})`,
      [],
      eventId,
      type,
      version,
    );
  }
  const { instance, errors } = checkContract(schema.payloadClass, value.payload, 'payload');
  if (!instance) {
    return new ParseFailure('INVALID_PAYLOAD', describe(`${String(type)} v${String(version)} payload`, errors), errors, eventId, type, version);
  }
  return { ...(value as unknown as EventEnvelope), payload: instance } as ParsedEvent;
}

function describe(subject: string, errors: FieldError[]): string {
  return `invalid ${subject}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
}

/** Like parseEvent, but throws a ContractValidationError on failure (for producers checking what they send). */
export function assertValidEvent(raw: unknown, registry: EventRegistry = EVENT_REGISTRY): ParsedEvent {
  const result = parseEvent(raw, registry);
  if (result instanceof ParseFailure) {
    throw new ContractValidationError(result.errors.length > 0 ? result.errors : [{ field: '', message: result.message }], 'event');
  }
  return result;
}

export interface CreateEventOptions {
  eventId?: string;
  occurredAt?: Date | string;
  correlationId?: string;
  /** Who produced it; a publisher stamps its own system when absent. */
  producer?: EventProducer;
}

/**
 * The envelope as it goes onto `topic` (a logical name): `producer.system` is the topic's one writer (the ACLs let no
 * other principal write there) when the envelope does not say; an envelope that names another producer is refused.
 */
export function stampProducer<E extends EventEnvelope>(envelope: E, topic: string): E {
  const writer = writerOfTopic(topic);
  if (writer === undefined) return envelope;
  if (envelope.producer === undefined) return { ...envelope, producer: { system: writer } };
  if (envelope.producer.system !== writer) {
    throw new ContractValidationError([{ field: 'producer.system', message: `${topic} is written by ${writer}, not ${envelope.producer.system}` }], 'event');
  }
  return envelope;
}

/** Builds an envelope for a typed payload: a new eventId, occurredAt = now (UTC) unless given. */
export function createEvent<T extends EventType, V extends EventVersion<T>>(
  type: T,
  version: V,
  aggregateId: string,
  payload: EventPayload<T, V>,
  options: CreateEventOptions = {},
): EventOf<T, V> {
  const occurredAt =
    options.occurredAt === undefined
      ? new Date().toISOString()
      : typeof options.occurredAt === 'string'
        ? options.occurredAt
        : options.occurredAt.toISOString();
  const envelope: EventEnvelope<T, V, EventPayload<T, V>> = {
    eventId: options.eventId ?? randomUUID(),
    type,
    version,
    occurredAt,
    aggregateId,
    payload,
  };
  if (options.correlationId !== undefined) envelope.correlationId = options.correlationId;
  if (options.producer !== undefined) envelope.producer = options.producer;
  return envelope as EventOf<T, V>;
}
