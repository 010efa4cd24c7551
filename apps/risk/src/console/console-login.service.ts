import { Injectable } from '@nestjs/common';
import { IssuedToken, Role, TokenIssuer, TokenSubject } from '@meal/auth';
import { AppConfig } from '@meal/config';
import { ConsoleDevLoginDisabledException, ConsoleIdentityNotFoundException, ConsoleIdentityRefusedException, ConsoleLoginUnavailableException } from './console.exceptions';
import { ConsoleLoginRepository } from './console-login.repository';

/**
 * The development login of the inspectors' console (the 浙政钉 stand-in, like the canteen service's): resolves an
 * inspector or administrator by external identity from the organisation tables and signs a short-lived token with the
 * shared identity key. Roles come from our data, never from the caller. Off when AUTH_DEV_LOGIN_ENABLED=false.
 */
@Injectable()
export class ConsoleLoginService {
  constructor(
    private readonly repository: ConsoleLoginRepository,
    private readonly issuer: TokenIssuer,
    private readonly config: AppConfig,
  ) {}

  async devLogin(externalIdentityId: string): Promise<IssuedToken> {
    if (!this.config.auth.devLoginEnabled) throw new ConsoleDevLoginDisabledException();
    if (!this.issuer.available) throw new ConsoleLoginUnavailableException();
    const staff = await this.repository.findByExternalIdentity(externalIdentityId);
    if (!staff) throw new ConsoleIdentityNotFoundException();
    if (!staff.active || !staff.unitActive) throw new ConsoleIdentityRefusedException('IDENTITY_INACTIVE', 'This staff member or their unit is deactivated');
    if (!staff.inspectorRegionCode && !staff.admin) throw new ConsoleIdentityRefusedException('CONSOLE_NOT_ALLOWED', 'The console is for inspectors and administrators');
    const subject: TokenSubject = { subject: staff.id, kind: 'staff', roles: [Role.Diner], name: staff.name, unitId: staff.unitId };
    if (staff.inspectorRegionCode) {
      subject.roles.push(Role.Inspector);
      subject.regionCode = staff.inspectorRegionCode;
    }
    if (staff.admin) subject.roles.push(Role.Admin);
    return this.issuer.issue(subject);
  }
}
