import { ClassConstructor, plainToInstance } from 'class-transformer';
import { getMetadataStorage, ValidationArguments, ValidationError, ValidationTypes, validateSync, ValidatorOptions } from 'class-validator';

export interface FieldError {
  field: string;
  message: string;
}

/** The validation every contract uses, HTTP commands and events alike: unknown fields refused, types strict. */
export const CONTRACT_VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: false,
};

/** A command or event payload that does not meet its contract. `errors` names every bad field and why. */
export class ContractValidationError extends Error {
  constructor(readonly errors: FieldError[], subject = 'contract') {
    super(`Invalid ${subject}: ${errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}`);
    this.name = 'ContractValidationError';
  }
}

/** Flattens class-validator errors into `{ field, message }` pairs with dotted paths (`evidence.0.ref`). */
export function flattenContractErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenContractErrors(error.children ?? [], field)];
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
const flatClasses = new WeakMap<object, boolean>();

/** True when no property of `dto` validates a nested object: then a plain copy onto the prototype is an exact instance. */
function isFlat(dto: ClassConstructor<object>): boolean {
  let flat = flatClasses.get(dto);
  if (flat === undefined) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    flat = !metadata.some((m) => m.type === 'nestedValidation');
    flatClasses.set(dto, flat);
  }
  return flat;
}

/**
 * plainToInstance without conversions. Flat DTOs (the high-volume events) are copied onto the prototype, which is
 * much faster than class-transformer's reflection; nested ones go through plainToInstance for @Type.
 */
function instantiate<T extends object>(dto: ClassConstructor<T>, plain: Record<string, unknown>): T {
  if (!isFlat(dto)) return plainToInstance(dto, plain, { enableImplicitConversion: false });
  const instance = new dto() as Record<string, unknown>;
  for (const key of Object.keys(plain)) instance[key] = plain[key];
  return instance as T;
}

/** One property's checks, resolved once from the class-validator metadata. */
interface CompiledProperty {
  property: string;
  /** ValidateIf / IsOptional conditions: when one is false the property is not validated (as class-validator does). */
  conditions: ((object: object, value: unknown) => boolean)[];
  checks: { each: boolean; constraints: unknown[]; validate: (value: unknown, args: ValidationArguments) => unknown }[];
}

/** A compiled fast check per DTO class; null when the class uses a feature it does not cover (then validateSync alone decides). */
const fastChecks = new WeakMap<object, ((instance: object) => boolean) | null>();

/**
 * A fast sufficient condition for validateSync(instance, CONTRACT_VALIDATOR_OPTIONS) returning no error: the same
 * constraint functions, resolved once per class instead of per call (class-validator looks the metadata up, groups it
 * and builds error objects on every call, which dominated consuming high-volume events). Returns true only when
 * every own key is whitelisted and every constraint holds; anything else (a failure, a promise, a Set or Map value)
 * returns false and the caller runs validateSync, which then gives the errors. Classes with nested, defined-only or
 * async validation, or without any metadata, are not compiled.
 */
function fastCheckOf(dto: ClassConstructor<object>): ((instance: object) => boolean) | null {
  let check = fastChecks.get(dto);
  if (check !== undefined) return check;
  check = compileFastCheck(dto);
  fastChecks.set(dto, check);
  return check;
}

/** A constraint's answer as class-validator's synchronous path reads it (a promise is left to validateSync). */
const holds = (result: unknown): boolean => Boolean(result) && !(result instanceof Promise) && typeof (result as { then?: unknown }).then !== 'function';

function compileFastCheck(dto: ClassConstructor<object>): ((instance: object) => boolean) | null {
  const storage = getMetadataStorage();
  // as ValidationExecutor.execute with CONTRACT_VALIDATOR_OPTIONS: no schema, no groups, always false, strictGroups false
  const metadatas = storage.getTargetValidationMetadatas(dto, undefined as unknown as string, false, false, undefined);
  if (metadatas.length === 0) return null;
  const byProperty = new Map<string, CompiledProperty>();
  for (const m of metadatas) {
    let compiled = byProperty.get(m.propertyName);
    if (!compiled) {
      compiled = { property: m.propertyName, conditions: [], checks: [] };
      byProperty.set(m.propertyName, compiled);
    }
    if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      compiled.conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
    } else if (m.type === ValidationTypes.CUSTOM_VALIDATION) {
      if (!m.constraintCls) return null;
      for (const constraint of storage.getTargetValidatorConstraints(m.constraintCls)) {
        if (constraint.async) return null;
        const instance = constraint.instance as { validate: (value: unknown, args: ValidationArguments) => unknown };
        compiled.checks.push({ each: m.each === true, constraints: m.constraints, validate: (value, args) => instance.validate(value, args) });
      }
    } else if (m.type !== ValidationTypes.WHITELIST) {
      return null;
    }
  }
  const properties = [...byProperty.values()];
  const targetName = dto.name;
  return (instance: object): boolean => {
    const record = instance as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!byProperty.has(key)) return false;
    for (const p of properties) {
      const value = record[p.property];
      let applies = true;
      for (const condition of p.conditions) if (!condition(instance, value)) applies = false;
      if (!applies) continue;
      if (value instanceof Promise || value instanceof Set || value instanceof Map) return false;
      for (const c of p.checks) {
        const args: ValidationArguments = { targetName, property: p.property, object: instance, value, constraints: c.constraints };
        if (c.each && Array.isArray(value)) {
          for (const item of value) if (!holds(c.validate(item, args))) return false;
        } else if (!holds(c.validate(value, args))) return false;
      }
    }
    return true;
  };
}

/**
 * True when `instance` (of a DTO class) certainly validates with CONTRACT_VALIDATOR_OPTIONS, by the compiled check of
 * its class; false means "not certain" (invalid, or a class the compiled check does not cover): run validateSync.
 */
export function passesCompiledContractCheck(instance: object): boolean {
  const dto = (instance as { constructor?: unknown }).constructor;
  if (typeof dto !== 'function' || dto === Object) return false;
  return fastCheckOf(dto as ClassConstructor<object>)?.(instance) ?? false;
}

/**
 * Converts `plain` to an instance of `dto` and validates it; returns the errors (empty when valid) and the instance.
 * `prefix` is prepended to every field path (`payload.priceFen`).
 */
export function checkContract<T extends object>(
  dto: ClassConstructor<T>,
  plain: unknown,
  prefix = '',
): { instance: T | undefined; errors: FieldError[] } {
  if (!isPlainObject(plain)) {
    return { instance: undefined, errors: [{ field: prefix, message: `${prefix || 'value'} must be an object` }] };
  }
  const forbidden = FORBIDDEN_KEYS.filter((key) => Object.prototype.hasOwnProperty.call(plain, key));
  if (forbidden.length > 0) {
    return { instance: undefined, errors: forbidden.map((key) => ({ field: prefix ? `${prefix}.${key}` : key, message: `property ${key} should not exist` })) };
  }
  const instance = instantiate(dto, plain);
  if (fastCheckOf(dto)?.(instance)) return { instance, errors: [] };
  const errors = flattenContractErrors(validateSync(instance, CONTRACT_VALIDATOR_OPTIONS), prefix);
  return { instance: errors.length === 0 ? instance : undefined, errors };
}

/**
 * Validates a command (HTTP body, CLI input) against its DTO class: returns the typed instance, or throws a
 * ContractValidationError listing `{ field, message }` for every problem.
 */
export function validateCommand<T extends object>(dto: ClassConstructor<T>, plain: unknown): T {
  const { instance, errors } = checkContract(dto, plain);
  if (!instance) throw new ContractValidationError(errors, dto.name);
  return instance;
}
