/**
 * The kinds of failure a domain can report. Each feature throws DomainException subclasses with its own
 * code; the HTTP edge (DomainExceptionFilter) maps the kind to a status once, in one place.
 */
export enum DomainErrorKind {
  Validation = 'validation',
  NotFound = 'not_found',
  Conflict = 'conflict',
  Forbidden = 'forbidden',
  Unauthenticated = 'unauthenticated',
  Gone = 'gone',
  Unprocessable = 'unprocessable',
}

export interface DomainErrorDetail {
  /** The request field the problem is about, e.g. `slots[1].visitorPriceFen`. */
  field?: string;
  message: string;
}

export class DomainException extends Error {
  constructor(
    /** A stable machine code, e.g. `CANTEEN_REGION_NOT_FOUND`. */
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details: DomainErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}
