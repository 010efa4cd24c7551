import { TransformFnParams } from 'class-transformer';

/**
 * Query strings arrive as strings (the global pipe does no implicit conversion); these turn the obvious
 * spellings into typed values and leave anything else untouched so the validators reject it by name.
 */
export const toQueryInteger = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

export const toQueryBoolean = ({ value }: TransformFnParams): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
