import { Injectable } from '@nestjs/common';
import { Principal, regionPrefix, Role } from '@meal/auth';
import { SettlementRepository } from './settlement.repository';
import { SettlementScopeUnknownException, SettlementScopeViolationException } from './settlement.exceptions';

/**
 * Who a settlement officer settles for. Without a unit (settlementUnitId absent) the officer works for the clearing
 * company (国资公司): the whole city, closing periods, approving and paying. With a unit (a unit or county finance
 * office, e.g. zzd-settlement-330802 at 柯城区财政局) the officer's scope is the region of that unit and below (by
 * region-code prefix, as libs/auth/src/scope.ts): reading statements and nets there, confirming them.
 */
export type SettlementScope =
  | { kind: 'clearing'; officerId: string; officerName: string }
  | { kind: 'region'; officerId: string; officerName: string; unitId: string; regionCode: string; prefix: string };

@Injectable()
export class SettlementScopeResolver {
  constructor(private readonly repository: SettlementRepository) {}

  async resolve(principal: Principal): Promise<SettlementScope> {
    const base = { officerId: principal.subject, officerName: principal.name };
    if (!principal.roles.includes(Role.SettlementOfficer)) throw new SettlementScopeUnknownException();
    if (!principal.settlementUnitId) return { kind: 'clearing', ...base };
    const regionCode = await this.repository.unitRegion(principal.settlementUnitId);
    if (!regionCode) throw new SettlementScopeUnknownException();
    return { kind: 'region', ...base, unitId: principal.settlementUnitId, regionCode, prefix: regionPrefix(regionCode) };
  }
}

/** The region-code prefix to filter by; undefined for the clearing company (everything). */
export function scopePrefix(scope: SettlementScope): string | undefined {
  return scope.kind === 'clearing' ? undefined : scope.prefix;
}

export function isInScope(scope: SettlementScope, regionCode: string): boolean {
  return scope.kind === 'clearing' || regionCode.startsWith(scope.prefix);
}

export function assertInScope(scope: SettlementScope, regionCode: string, what: string): void {
  if (!isInScope(scope, regionCode)) throw new SettlementScopeViolationException(what);
}
