import { AlertSeverity, ALERT_SEVERITIES } from '@meal/contracts';
import { ThresholdError } from './warning-model';

/** A small typed reader for threshold objects: each getter records an error instead of throwing. */
export class ThresholdReader {
  readonly errors: ThresholdError[] = [];

  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly known: readonly string[],
  ) {
    for (const key of Object.keys(raw)) {
      if (!known.includes(key)) this.errors.push({ field: key, message: `unknown threshold ${key} (known: ${known.join(', ')})` });
    }
  }

  integer(field: string, min: number, max: number): number {
    const value = this.raw[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.errors.push({ field, message: `${field} must be an integer from ${min} to ${max}` });
      return min;
    }
    return value;
  }

  number(field: string, min: number, max: number): number {
    const value = this.raw[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.errors.push({ field, message: `${field} must be a number from ${min} to ${max}` });
      return min;
    }
    return value;
  }

  boolean(field: string): boolean {
    const value = this.raw[field];
    if (typeof value !== 'boolean') {
      this.errors.push({ field, message: `${field} must be true or false` });
      return false;
    }
    return value;
  }

  severity(field: string): AlertSeverity {
    const value = this.raw[field];
    if (typeof value !== 'string' || !(ALERT_SEVERITIES as readonly string[]).includes(value)) {
      this.errors.push({ field, message: `${field} must be one of ${ALERT_SEVERITIES.join(', ')}` });
      return 'low';
    }
    return value as AlertSeverity;
  }

  result<T>(value: T): { value?: T; errors: ThresholdError[] } {
    return this.errors.length > 0 ? { errors: this.errors } : { value, errors: [] };
  }
}
