import { CanActivate, Injectable } from '@nestjs/common';
import { AppConfig } from '@meal/config';
import { DevLoginDisabledException } from './identity.errors';

/** Refuses the development login before the body is even validated when AUTH_DEV_LOGIN_ENABLED is false. */
@Injectable()
export class DevLoginEnabledGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(): boolean {
    if (!this.config.auth.devLoginEnabled) throw new DevLoginDisabledException();
    return true;
  }
}
