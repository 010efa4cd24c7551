import { ScopeViolationException } from './auth.errors';
import { Principal } from './principal';
import { Role } from './role.enum';

/**
 * A terminal may act only for the canteen it is bound to; people (diners eat anywhere, admins manage all) are
 * not limited by this check. Throws 403 CANTEEN_SCOPE_VIOLATION.
 */
export function assertCanteenScope(principal: Principal, canteenId: string): void {
  if (principal.kind === 'terminal' || principal.roles.includes(Role.Terminal)) {
    if (!principal.canteenId || principal.canteenId !== canteenId) {
      throw new ScopeViolationException('CANTEEN_SCOPE_VIOLATION', 'This terminal may only act for the canteen it is bound to');
    }
  }
}

/** Segment lengths of a 12-digit Chinese administrative division code: province, city, county, township, village. */
const SEGMENTS = [2, 2, 2, 3, 3];

/** The significant prefix of a region code: trailing all-zero segments removed ("330800" → "3308"). */
export function regionPrefix(code: string): string {
  if (!/^\d{6}(\d{3}){0,2}$/.test(code)) throw new Error(`not a region code: ${code}`);
  const padded = code.padEnd(12, '0');
  const parts: string[] = [];
  let offset = 0;
  for (const length of SEGMENTS) {
    parts.push(padded.slice(offset, offset + length));
    offset += length;
  }
  while (parts.length > 1 && /^0+$/.test(parts[parts.length - 1])) parts.pop();
  return parts.join('');
}

/**
 * Whether `code` is the region `ancestor` or lies under it, by the structure of the codes (330800 衢州市 contains
 * 330802 柯城区 and 330802001001). The regions table's parent_code tree is authoritative; this is the fast check.
 */
export function isRegionWithin(ancestor: string, code: string): boolean {
  if (!/^\d{6}(\d{3}){0,2}$/.test(ancestor) || !/^\d{6}(\d{3}){0,2}$/.test(code)) return false;
  return regionPrefix(code).startsWith(regionPrefix(ancestor));
}

/** Whether an inspector's jurisdiction covers a region. Principals without the inspector role have no jurisdiction. */
export function isWithinJurisdiction(principal: Principal, regionCode: string): boolean {
  if (!principal.roles.includes(Role.Inspector) || !principal.regionCode) return false;
  return isRegionWithin(principal.regionCode, regionCode);
}

/** Throws 403 JURISDICTION_VIOLATION unless the inspector's jurisdiction covers the region. */
export function assertWithinJurisdiction(principal: Principal, regionCode: string): void {
  if (!isWithinJurisdiction(principal, regionCode)) {
    throw new ScopeViolationException('JURISDICTION_VIOLATION', `Region ${regionCode} is outside this inspector's jurisdiction`);
  }
}
