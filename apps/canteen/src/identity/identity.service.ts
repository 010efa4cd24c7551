import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { IssuedToken, Role, TokenIssuer, TokenSubject } from '@meal/auth';
import { AppConfig } from '@meal/config';
import { DevLoginIdentifierException, IdentityInactiveException, IdentityNotFoundException } from './identity.errors';
import { IdentityRepository, RoleAssignmentRow } from './identity.repository';

/** What the development login accepts: exactly one of the two. */
export interface DevLoginCommand {
  externalIdentityId?: string;
  terminalCode?: string;
}

const ASSIGNABLE_ROLES: ReadonlySet<string> = new Set([Role.SettlementOfficer, Role.Inspector, Role.Admin]);

/**
 * The development login: the stand-in for the 浙政钉 identity provider. It resolves a person (by external identity)
 * or a terminal (by code) from the organisation tables and issues a short-lived token with our private key.
 * Roles come from our data, never from the caller.
 */
@Injectable()
export class IdentityService implements OnModuleInit {
  private readonly logger = new Logger(IdentityService.name);

  constructor(
    private readonly repository: IdentityRepository,
    private readonly issuer: TokenIssuer,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.auth.devLoginEnabled && !this.issuer.available) {
      throw new Error(
        `The development login is enabled but the identity private key ${this.config.auth.privateKeyFile} is missing: ` +
          'run `npm run start:demo`, set AUTH_PRIVATE_KEY_FILE, or set AUTH_DEV_LOGIN_ENABLED=false',
      );
    }
  }

  get devLoginEnabled(): boolean {
    return this.config.auth.devLoginEnabled;
  }

  async devLogin(command: DevLoginCommand): Promise<IssuedToken> {
    const hasPerson = command.externalIdentityId !== undefined;
    const hasTerminal = command.terminalCode !== undefined;
    if (hasPerson === hasTerminal) throw new DevLoginIdentifierException();
    const subject = hasPerson
      ? await this.resolvePerson(command.externalIdentityId as string)
      : await this.resolveTerminal(command.terminalCode as string);
    const issued = this.issuer.issue(subject);
    this.logger.log(`dev-login issued token ${issued.principal.tokenId} to ${subject.kind} ${subject.subject} roles=${subject.roles.join(',')}`);
    return issued;
  }

  private async resolvePerson(externalIdentityId: string): Promise<TokenSubject> {
    const staff = await this.repository.findStaffByExternalIdentity(externalIdentityId);
    if (!staff) throw new IdentityNotFoundException('person');
    if (!staff.active) throw new IdentityInactiveException('This staff member is deactivated');
    if (!staff.unitActive) throw new IdentityInactiveException('This staff member\'s unit is deactivated');
    const subject: TokenSubject = { subject: staff.id, kind: 'staff', roles: [Role.Diner], name: staff.name, unitId: staff.unitId };
    for (const assignment of await this.repository.findRoleAssignments(staff.id)) this.applyAssignment(subject, assignment);
    return subject;
  }

  private applyAssignment(subject: TokenSubject, assignment: RoleAssignmentRow): void {
    if (!ASSIGNABLE_ROLES.has(assignment.role)) {
      this.logger.warn(`ignoring role assignment with unknown role ${JSON.stringify(assignment.role)} of staff ${subject.subject}`);
      return;
    }
    const role = assignment.role as Role;
    if (role === Role.Inspector) {
      if (!assignment.regionCode) {
        this.logger.warn(`ignoring inspector assignment without region of staff ${subject.subject}`);
        return;
      }
      subject.regionCode = assignment.regionCode;
    }
    if (role === Role.SettlementOfficer && assignment.unitId) subject.settlementUnitId = assignment.unitId;
    if (!subject.roles.includes(role)) subject.roles.push(role);
  }

  private async resolveTerminal(code: string): Promise<TokenSubject> {
    const terminal = await this.repository.findTerminalByCode(code);
    if (!terminal) throw new IdentityNotFoundException('terminal');
    if (!terminal.active) throw new IdentityInactiveException('This terminal is deactivated');
    if (!terminal.canteenActive) throw new IdentityInactiveException('This terminal\'s canteen is deactivated');
    return { subject: terminal.id, kind: 'terminal', roles: [Role.Terminal], name: terminal.name, canteenId: terminal.canteenId };
  }
}
