import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_KEY, RequestWithPrincipal, ROLES_KEY } from './auth.decorators';
import { RoleNotAllowedException, RouteNotAnnotatedException, TokenInvalidException, TokenMissingException } from './auth.errors';
import { Role } from './role.enum';
import { TOKEN_VERIFIER, TokenVerifier } from './token-verifier';

interface HttpRequest extends RequestWithPrincipal {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

interface HttpResponse {
  setHeader?(name: string, value: string): void;
}

/** How a route is protected, from its metadata. */
export type RouteAccess = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'unannotated' };

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/**
 * The global guard (APP_GUARD, registered by AuthModule.forRoot()). Secure by default:
 *  - @Public routes pass without a token;
 *  - a route with neither @Roles nor @Public (on the method or its controller) is refused to everyone: 403 ROUTE_NOT_ANNOTATED;
 *  - otherwise `Authorization: Bearer <token>` is required: 401 TOKEN_MISSING / TOKEN_INVALID / TOKEN_EXPIRED;
 *  - the principal must hold one of the route's roles: 403 ROLE_NOT_ALLOWED.
 * The method's own annotation wins over its controller's; on one level, @Roles wins over @Public.
 * Sets `request.principal` for @CurrentPrincipal.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccess(this.reflector, context);
    if (access.kind === 'public') return true;
    // Only HTTP carries bearer tokens. A handler of another transport (none today) authenticates through that
    // transport and must say so with @Public; otherwise it is refused like an unannotated route.
    if (context.getType() !== 'http') {
      throw new RouteNotAnnotatedException(`${context.getType()} handler ${context.getClass().name}.${context.getHandler().name}`);
    }
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    if (access.kind === 'unannotated') {
      throw new RouteNotAnnotatedException(`${request.method ?? '?'} ${(request.url ?? '?').split('?')[0]}`);
    }
    const response = http.getResponse<HttpResponse>();
    const token = this.extractToken(request, response);
    let principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (error) {
      response.setHeader?.('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw error;
    }
    request.principal = principal;
    if (!principal.roles.some((role) => access.roles.includes(role))) throw new RoleNotAllowedException(access.roles);
    return true;
  }

  private extractToken(request: HttpRequest, response: HttpResponse): string {
    const header = request.headers['authorization'];
    if (header === undefined || header === '') {
      response.setHeader?.('WWW-Authenticate', 'Bearer');
      throw new TokenMissingException();
    }
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) {
      response.setHeader?.('WWW-Authenticate', 'Bearer error="invalid_request"');
      throw new TokenInvalidException('the Authorization header must be `Bearer <token>`');
    }
    return match[1];
  }
}

/** Reads @Public / @Roles of a handler and its controller (exported for the route × role matrix test). */
export function routeAccess(reflector: Reflector, context: Pick<ExecutionContext, 'getHandler' | 'getClass'>): RouteAccess {
  for (const target of [context.getHandler(), context.getClass()]) {
    const roles = reflector.get<Role[] | undefined>(ROLES_KEY, target);
    if (Array.isArray(roles)) return { kind: 'roles', roles };
    if (reflector.get<boolean | undefined>(PUBLIC_KEY, target) === true) return { kind: 'public' };
  }
  return { kind: 'unannotated' };
}
