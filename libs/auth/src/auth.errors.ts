import { DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';
import { Role } from './role.enum';

/** No `Authorization: Bearer <token>` header on a route that needs one (401). */
export class TokenMissingException extends DomainException {
  constructor() {
    super('TOKEN_MISSING', DomainErrorKind.Unauthenticated, 'This route needs a token: send the header `Authorization: Bearer <token>`');
  }
}

/** The token is malformed, has a bad signature, the wrong issuer/audience/algorithm, or lacks required claims (401). */
export class TokenInvalidException extends DomainException {
  constructor(reason: string) {
    super('TOKEN_INVALID', DomainErrorKind.Unauthenticated, `The token is not valid: ${reason}`);
  }
}

/** The token was valid but its `exp` has passed (401); the client must log in again. */
export class TokenExpiredException extends DomainException {
  constructor(expiredAt?: Date) {
    super(
      'TOKEN_EXPIRED',
      DomainErrorKind.Unauthenticated,
      expiredAt ? `The token expired at ${expiredAt.toISOString()}; log in again` : 'The token has expired; log in again',
    );
  }
}

/** A route carries neither @Roles nor @Public: secure by default, nobody may call it (403). */
export class RouteNotAnnotatedException extends DomainException {
  constructor(route: string) {
    super('ROUTE_NOT_ANNOTATED', DomainErrorKind.Forbidden, `Route ${route} declares no @Roles and is not @Public, so it is closed to everyone`);
  }
}

/** The principal holds none of the roles the route allows (403). */
export class RoleNotAllowedException extends DomainException {
  constructor(required: readonly Role[]) {
    super(
      'ROLE_NOT_ALLOWED',
      DomainErrorKind.Forbidden,
      required.length > 0
        ? `This route needs one of the roles: ${required.join(', ')}`
        : 'This route allows no role',
    );
  }
}

/** A scoped principal (a terminal, an inspector) acted outside its scope (403). */
export class ScopeViolationException extends DomainException {
  constructor(code: string, message: string) {
    super(code, DomainErrorKind.Forbidden, message);
  }
}
