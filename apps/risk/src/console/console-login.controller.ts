import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@meal/auth';
import { ConsoleLoginRequestDto, ConsoleTokenDto } from './console-login.dto';
import { ConsoleLoginService } from './console-login.service';

@ApiTags('risk: console 核查工作台')
@Controller('auth')
export class ConsoleLoginController {
  constructor(private readonly login: ConsoleLoginService) {}

  @Post('dev-login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Development login of the console (stand-in for 浙政钉): a token for a seeded inspector or administrator',
    description: 'Same identity key and token as the canteen service\'s /auth/dev-login. Disabled in production (AUTH_DEV_LOGIN_ENABLED=false).',
  })
  @ApiOkResponse({ type: ConsoleTokenDto })
  @ApiNotFoundResponse({ description: 'IDENTITY_NOT_FOUND' })
  @ApiForbiddenResponse({ description: 'IDENTITY_INACTIVE, CONSOLE_NOT_ALLOWED, DEV_LOGIN_DISABLED, DEV_LOGIN_UNAVAILABLE' })
  async devLogin(@Body() body: ConsoleLoginRequestDto): Promise<ConsoleTokenDto> {
    const issued = await this.login.devLogin(body.externalIdentityId);
    const { subject, roles, name, regionCode } = issued.principal;
    return { accessToken: issued.accessToken, tokenType: issued.tokenType, expiresIn: issued.expiresIn, principal: { subject, roles, name, regionCode } };
  }
}
