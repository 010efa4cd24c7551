import { IsInt, IsString, Min } from 'class-validator';
import { ContractValidationError, validateCommand } from './contract-validation';
import { EVENT_REGISTRY, EVENT_SCHEMAS, EventRegistry, isParseFailure, ParsedEvent, ParseFailure, parseEvent } from './event-registry';
import {
  sampleAllowanceClaim,
  sampleMealScanned,
  sampleMealVerified,
  sampleMealVoided,
  sampleReceptionRecord,
  sampleRiskAlertRaised,
  sampleSettlementPeriodClosed,
  sampleSettlementStatementApproved,
} from './event-samples';
import { MealScannedV1 } from './events/meal-events';
import { isCalendarDate, isUtcTimestamp, shanghaiDateOf } from './validators';
import { TOPIC_SPECS, Topics } from './topics';

function expectFailure(result: ParsedEvent | ParseFailure): ParseFailure {
  if (!isParseFailure(result)) throw new Error(`expected a parse failure, got ${JSON.stringify(result)}`);
  return result;
}

function fieldsOf(failure: ParseFailure): string[] {
  return [...new Set(failure.errors.map((e) => e.field))].sort();
}

function expectEvent(result: ParsedEvent | ParseFailure): ParsedEvent {
  if (isParseFailure(result)) throw new Error(`expected an event, got ${result.reason}: ${result.message}`);
  return result;
}

describe('parseEvent', () => {
  const samples = [
    sampleMealScanned(),
    sampleMealVerified(),
    sampleMealVoided(),
    sampleAllowanceClaim(),
    sampleReceptionRecord(),
    sampleReceptionRecord({ officialLetterRef: 'QZ-2025-017' }),
    sampleRiskAlertRaised(),
    sampleSettlementPeriodClosed(),
    sampleSettlementStatementApproved(),
  ];

  it.each(samples.map((s) => [s.type, s]))('parses a valid %s from JSON bytes', (_type, sample) => {
    const event = expectEvent(parseEvent(Buffer.from(JSON.stringify(sample))));
    expect(event.eventId).toBe(sample.eventId);
    expect(event.type).toBe(sample.type);
    expect(JSON.parse(JSON.stringify(event.payload))).toEqual(JSON.parse(JSON.stringify(sample.payload)));
  });

  it('registers every schema of EVENT_SCHEMAS', () => {
    expect(EVENT_REGISTRY.list()).toHaveLength(Object.keys(EVENT_SCHEMAS).length);
  });

  it('gives a typed payload instance, narrowed on type', () => {
    const event = expectEvent(parseEvent(JSON.stringify(sampleMealScanned({ priceFen: 2000 }), undefined)));
    expect(event.payload).toBeInstanceOf(MealScannedV1);
    if (event.type === 'meal.scanned') expect(event.payload.priceFen).toBe(2000);
    else throw new Error('wrong type');
  });

  it('accepts an already decoded object and keeps the correlation id', () => {
    const event = expectEvent(parseEvent(sampleMealVerified({}, { correlationId: 'req-42' })));
    expect(event.correlationId).toBe('req-42');
  });

  it('refuses malformed JSON', () => {
    const failure = expectFailure(parseEvent(Buffer.from('{"eventId": ')));
    expect(failure.reason).toBe('MALFORMED_JSON');
    expect(expectFailure(parseEvent(null)).reason).toBe('MALFORMED_JSON');
    expect(expectFailure(parseEvent('[1,2]')).reason).toBe('MALFORMED_JSON');
  });

  it('refuses an unknown event type', () => {
    const failure = expectFailure(parseEvent({ ...sampleMealScanned(), type: 'meal.teleported' }));
    expect(failure.reason).toBe('UNKNOWN_EVENT_TYPE');
    expect(failure.type).toBe('meal.teleported');
  });

  it('refuses an unsupported version of a known type', () => {
    const sample = sampleMealScanned();
    const failure = expectFailure(parseEvent({ ...sample, version: 9 }));
    expect(failure.reason).toBe('UNSUPPORTED_VERSION');
    expect(failure.eventId).toBe(sample.eventId);
    expect(failure.message).toContain('known versions: 1');
  });

  it('refuses an invalid envelope, naming the fields', () => {
    const failure = expectFailure(parseEvent({ ...sampleMealScanned(), eventId: 'nope', occurredAt: '2025-03-03 12:00', extra: 1 }));
    expect(failure.reason).toBe('INVALID_ENVELOPE');
    expect(fieldsOf(failure)).toEqual(['eventId', 'extra', 'occurredAt']);
  });

  it('refuses an invalid payload with every field message', () => {
    const sample = sampleMealScanned();
    const payload = { ...sample.payload, priceFen: 12.5, slot: 'supper', mealDate: '2025-02-30', scannedAt: '2025-03-03T12:00:00+08:00' };
    const failure = expectFailure(parseEvent({ ...sample, payload }));
    expect(failure.reason).toBe('INVALID_PAYLOAD');
    const fields = failure.errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['payload.priceFen', 'payload.slot', 'payload.mealDate', 'payload.scannedAt']));
    expect(failure.message).toContain('payload.priceFen');
  });

  it('refuses unknown fields in the payload, also in nested objects', () => {
    const sample = sampleMealScanned();
    const failure = expectFailure(parseEvent({ ...sample, payload: { ...sample.payload, couponFen: 100 } }));
    expect(failure.reason).toBe('INVALID_PAYLOAD');
    expect(failure.errors).toEqual([{ field: 'payload.couponFen', message: 'property couponFen should not exist' }]);

    const alert = sampleRiskAlertRaised();
    const nested = { ...alert.payload, evidence: [{ ...alert.payload.evidence[0], secret: true }] };
    const nestedFailure = expectFailure(parseEvent({ ...alert, payload: nested }));
    expect(nestedFailure.errors.map((e) => e.field)).toEqual(['payload.evidence.0.secret']);
  });

  it('does not convert types implicitly', () => {
    const sample = sampleMealScanned();
    const failure = expectFailure(parseEvent({ ...sample, payload: { ...sample.payload, priceFen: '4000', withinGeofence: 'true' } }));
    expect(fieldsOf(failure)).toEqual(['payload.priceFen', 'payload.withinGeofence']);
  });

  it('checks cross-field rules', () => {
    const claim = sampleAllowanceClaim({ tripStart: '2025-03-05', tripEnd: '2025-03-04' });
    expect(expectFailure(parseEvent(claim)).errors).toEqual([{ field: 'payload.tripEnd', message: 'tripEnd must not be before tripStart' }]);
    const statement = sampleSettlementStatementApproved({ netFen: 1 });
    expect(expectFailure(parseEvent(statement)).errors.map((e) => e.field)).toEqual(['payload.netFen']);
    const reception = sampleReceptionRecord({ guestUnitIds: [] });
    expect(expectFailure(parseEvent(reception)).errors.map((e) => e.field)).toEqual(['payload.guestUnitIds']);
  });

  it('requires officialLetterRef to be present (null allowed)', () => {
    const reception = sampleReceptionRecord();
    const { officialLetterRef: _omitted, ...payload } = reception.payload;
    expect(fieldsOf(expectFailure(parseEvent({ ...reception, payload })))).toEqual(['payload.officialLetterRef']);
  });

  it('supports a custom registry with several versions', () => {
    class PingV1 {
      @IsString()
      note!: string;
    }
    class PingV2 {
      @IsInt()
      @Min(0)
      count!: number;
    }
    const registry = new EventRegistry().register('test.ping', 1, PingV1).register('test.ping', 2, PingV2);
    const base = { eventId: '6c1f9d7e-3f77-4c55-9d3e-0d1a2b3c4d5e', type: 'test.ping', occurredAt: '2025-01-01T00:00:00Z', aggregateId: 'a' };
    expect(isParseFailure(parseEvent({ ...base, version: 2, payload: { count: 3 } }, registry))).toBe(false);
    expect(expectFailure(parseEvent({ ...base, version: 2, payload: { note: 'x' } }, registry)).reason).toBe('INVALID_PAYLOAD');
    expect(expectFailure(parseEvent({ ...base, version: 3, payload: {} }, registry)).reason).toBe('UNSUPPORTED_VERSION');
    expect(() => registry.register('test.ping', 1, PingV1)).toThrow('already registered');
  });
});

describe('validateCommand', () => {
  class CreateThing {
    @IsString()
    name!: string;

    @IsInt()
    @Min(1)
    quantity!: number;
  }

  it('returns a typed instance', () => {
    const thing = validateCommand(CreateThing, { name: 'rice', quantity: 2 });
    expect(thing).toBeInstanceOf(CreateThing);
    expect(thing.quantity).toBe(2);
  });

  it('throws a ContractValidationError listing every field', () => {
    try {
      validateCommand(CreateThing, { name: 3, quantity: 0, colour: 'red' });
      throw new Error('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ContractValidationError);
      const fields = (error as ContractValidationError).errors.map((e) => e.field).sort();
      expect(fields).toEqual(['colour', 'name', 'quantity']);
    }
    expect(() => validateCommand(CreateThing, 'text')).toThrow(ContractValidationError);
  });
});

describe('topics and dates', () => {
  it('gives every topic a dead-letter topic and the high-volume ones 6 partitions', () => {
    expect(TOPIC_SPECS.map((s) => s.name).sort()).toEqual(Object.values(Topics).sort());
    for (const spec of TOPIC_SPECS) expect(spec.deadLetter).toBe(`${spec.name}.dlt`);
    expect(TOPIC_SPECS.find((s) => s.name === Topics.MealEvents)?.partitions).toBe(6);
  });

  it('computes the Asia/Shanghai meal date', () => {
    expect(shanghaiDateOf('2025-03-03T15:59:59.000Z')).toBe('2025-03-03');
    expect(shanghaiDateOf('2025-03-03T16:00:00.000Z')).toBe('2025-03-04');
  });
});

describe('date validators', () => {
  it('knows calendar dates and UTC timestamps', () => {
    expect(['2024-02-29', '2025-12-31', '2000-02-29'].every(isCalendarDate)).toBe(true);
    expect(['2025-02-29', '1900-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2025-1-1', 20250101].some(isCalendarDate)).toBe(false);
    expect(isUtcTimestamp('2025-03-01T04:05:06Z')).toBe(true);
    expect(isUtcTimestamp('2025-03-01T04:05:06.123Z')).toBe(true);
    expect(isUtcTimestamp('2025-03-01T12:05:06+08:00')).toBe(false);
    expect(isUtcTimestamp('2025-03-01')).toBe(false);
    expect(isUtcTimestamp('2025-02-30T00:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2025-03-01T24:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2025-03-01T23:60:00Z')).toBe(false);
  });
});
