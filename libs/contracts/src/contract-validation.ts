import { ClassConstructor, plainToInstance } from 'class-transformer';
import { getMetadataStorage, ValidationError, validateSync, ValidatorOptions } from 'class-validator';

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
