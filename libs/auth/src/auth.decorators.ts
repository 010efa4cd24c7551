import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Role } from './role.enum';
import { Principal } from './principal';

export const ROLES_KEY = 'meal:roles';
export const PUBLIC_KEY = 'meal:public';

/** The roles allowed on a route or controller. A route with neither @Roles nor @Public is denied to everyone. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** A route that needs no token (health, metrics, the development login, public pages). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export interface RequestWithPrincipal {
  principal?: Principal;
}

/** The verified principal of the current request (set by the global AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return request.principal;
});
