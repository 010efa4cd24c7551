import { DomainErrorKind, DomainException } from '@meal/platform';

/** from after to, or a span over 36 months (400). */
export class MonthRangeInvalidException extends DomainException {
  constructor(message: string) {
    super('MONTH_RANGE_INVALID', DomainErrorKind.Validation, message, [{ field: 'from', message }]);
  }
}
