import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ALL_ROLES, CurrentPrincipal, Principal, Public, Roles } from '@meal/auth';
import { DevLoginEnabledGuard } from './dev-login-enabled.guard';
import { AccessTokenDto, DevLoginRequestDto, PrincipalDto } from './identity.dto';
import { IdentityService } from './identity.service';

@ApiTags('identity')
@Controller('auth')
export class IdentityController {
  constructor(private readonly identity: IdentityService) {}

  @Post('dev-login')
  @Public()
  @UseGuards(DevLoginEnabledGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Development login (stand-in for 浙政钉): a token for a seeded person or canteen terminal',
    description: 'Give exactly one of externalIdentityId or terminalCode. Disabled in production (AUTH_DEV_LOGIN_ENABLED=false).',
  })
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: neither or both identifiers, or a malformed one' })
  @ApiNotFoundResponse({ description: 'IDENTITY_NOT_FOUND' })
  @ApiForbiddenResponse({ description: 'IDENTITY_INACTIVE (person, unit, terminal or canteen deactivated) or DEV_LOGIN_DISABLED' })
  async devLogin(@Body() body: DevLoginRequestDto): Promise<AccessTokenDto> {
    const issued = await this.identity.devLogin(body);
    return { accessToken: issued.accessToken, tokenType: issued.tokenType, expiresIn: issued.expiresIn, principal: PrincipalDto.from(issued.principal) };
  }

  @Get('me')
  @Roles(...ALL_ROLES)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The principal of the presented token' })
  @ApiOkResponse({ type: PrincipalDto })
  @ApiUnauthorizedResponse({ description: 'TOKEN_MISSING, TOKEN_INVALID or TOKEN_EXPIRED' })
  me(@CurrentPrincipal() principal: Principal): PrincipalDto {
    return PrincipalDto.from(principal);
  }
}
