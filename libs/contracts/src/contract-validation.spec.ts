import { ClassConstructor, plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, IsString, validateSync, ValidateIf } from 'class-validator';
import { checkContract, CONTRACT_VALIDATOR_OPTIONS, passesCompiledContractCheck } from './contract-validation';
import { EVENT_SCHEMAS } from './event-registry';
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

/** What class-validator alone says of a plain payload (the reference the fast check must agree with). */
function referenceValid(dto: ClassConstructor<object>, plain: Record<string, unknown>): boolean {
  return validateSync(plainToInstance(dto, plain), CONTRACT_VALIDATOR_OPTIONS).length === 0;
}

/** Field mutations that break (or keep) a payload: wrong types, out-of-range numbers, bad formats, extra and missing keys. */
const VALUE_MUTATIONS: unknown[] = [undefined, null, '', 'x', ' ', -1, 0, 1.5, 1e12, Number.NaN, true, false, [], ['a'], {}, '2025-02-30', '2025-01-01T00:00:00Z', 'not-a-uuid'];

function variants(plain: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [plain, { ...plain, extra: 1 }, { ...plain, constructor: 1 }];
  for (const key of Object.keys(plain)) {
    const { [key]: _dropped, ...missing } = plain;
    out.push(missing);
    for (const value of VALUE_MUTATIONS) out.push({ ...plain, [key]: value });
  }
  return out;
}

class OptionalFields {
  @IsOptional()
  @IsString()
  note?: string | null;

  @ValidateIf((o: OptionalFields) => o.kind !== undefined)
  @IsIn(['a', 'b'])
  kind?: string;
}

describe('checkContract (the compiled fast check agrees with class-validator)', () => {
  const samples = [
    sampleMealScanned(),
    sampleMealVerified(),
    sampleMealVoided(),
    sampleAllowanceClaim(),
    sampleReceptionRecord(),
    sampleRiskAlertRaised(),
    sampleSettlementPeriodClosed(),
    sampleSettlementStatementApproved(),
  ];

  it.each(samples.map((e) => [`${e.type} v${e.version}`, e] as const))('%s: every mutated payload gets the verdict of validateSync', (_name, event) => {
    const dto = (EVENT_SCHEMAS as unknown as Record<string, Record<number, ClassConstructor<object>>>)[event.type][event.version];
    const plain = JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>;
    let valid = 0;
    let invalid = 0;
    for (const candidate of variants(plain)) {
      const expected = Object.prototype.hasOwnProperty.call(candidate, 'constructor') ? false : referenceValid(dto, candidate);
      const { instance, errors } = checkContract(dto, candidate, 'payload');
      expect({ candidate, valid: instance !== undefined }).toEqual({ candidate, valid: expected });
      expect(errors.length === 0).toBe(expected);
      if (expected) valid += 1;
      else invalid += 1;
    }
    // the mutations exercise both verdicts
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(10);
  });

  it.each(samples.map((e) => [`${e.type} v${e.version}`, e] as const))(
    '%s: passesCompiledContractCheck (the HTTP pipe\'s shortcut) is true for the valid payload and never for an invalid one',
    (_name, event) => {
      const dto = (EVENT_SCHEMAS as unknown as Record<string, Record<number, ClassConstructor<object>>>)[event.type][event.version];
      const plain = JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>;
      const flat = !Object.values(plain).some((v) => typeof v === 'object' && v !== null);
      if (flat) expect(passesCompiledContractCheck(plainToInstance(dto, plain))).toBe(true);
      for (const candidate of variants(plain)) {
        if (Object.prototype.hasOwnProperty.call(candidate, 'constructor')) continue;
        if (passesCompiledContractCheck(plainToInstance(dto, candidate))) expect({ candidate, valid: referenceValid(dto, candidate) }).toEqual({ candidate, valid: true });
      }
      expect(passesCompiledContractCheck({ ...plain })).toBe(false);
    },
  );

  it('optional and conditional properties: skipped when absent, checked when present', () => {
    expect(checkContract(OptionalFields, {}).errors).toEqual([]);
    expect(checkContract(OptionalFields, { note: null }).errors).toEqual([]);
    expect(checkContract(OptionalFields, { note: 'x', kind: 'a' }).errors).toEqual([]);
    expect(checkContract(OptionalFields, { note: 5 }).errors.map((e) => e.field)).toEqual(['note']);
    expect(checkContract(OptionalFields, { kind: 'c' }).errors.map((e) => e.field)).toEqual(['kind']);
    expect(checkContract(OptionalFields, { other: 1 }).errors.map((e) => e.field)).toEqual(['other']);
  });
});
