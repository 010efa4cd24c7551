import { Module } from '@nestjs/common';
import { DevLoginEnabledGuard } from './dev-login-enabled.guard';
import { IdentityController } from './identity.controller';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';

/** /auth/dev-login (the development stand-in for the 浙政钉 login) and /auth/me. Needs AuthModule.forRoot() and a DataSource. */
@Module({
  controllers: [IdentityController],
  providers: [IdentityRepository, IdentityService, DevLoginEnabledGuard],
})
export class IdentityModule {}
