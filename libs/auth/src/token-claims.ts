import { Principal } from './principal';
import { ALL_ROLES, Role } from './role.enum';

/**
 * The claims of an access token (a JWT signed with ES256).
 *
 * ```json
 * { "iss": "https://identity.official-meal.local", "aud": "official-meal",
 *   "sub": "<staff id | terminal id>", "jti": "<uuid>", "iat": 1763900000, "exp": 1763900900,
 *   "kind": "staff" | "terminal", "roles": ["diner", "inspector"], "name": "张三",
 *   "unit_id": "<uuid>",            // people: the staff member's unit
 *   "canteen_id": "<uuid>",         // terminals: the canteen the terminal is bound to
 *   "region_code": "330802",        // inspectors: the jurisdiction (that region and below)
 *   "settlement_unit_id": "<uuid>"  // settlement officers bound to one unit's finances (absent: clearing-company wide)
 * }
 * ```
 */
export interface TokenClaims {
  iss: string;
  aud: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  nbf?: number;
  kind: Principal['kind'];
  roles: Role[];
  name: string;
  unit_id?: string;
  canteen_id?: string;
  region_code?: string;
  settlement_unit_id?: string;
}

/** The application-specific claims, i.e. everything but the registered ones the issuer adds. */
export type PrincipalClaims = Pick<TokenClaims, 'sub' | 'kind' | 'roles' | 'name' | 'unit_id' | 'canteen_id' | 'region_code' | 'settlement_unit_id'>;

const ROLE_SET: ReadonlySet<string> = new Set<string>(ALL_ROLES);
const MAX_CLAIM_LENGTH = 256;

/** Thrown by claimsToPrincipal when a claim is missing or malformed; the verifier maps it to TOKEN_INVALID. */
export class InvalidClaimsError extends Error {}

function optionalString(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CLAIM_LENGTH) {
    throw new InvalidClaimsError(`claim \`${name}\` must be a non-empty string`);
  }
  return value;
}

function requiredString(payload: Record<string, unknown>, name: string): string {
  const value = optionalString(payload, name);
  if (value === undefined) throw new InvalidClaimsError(`claim \`${name}\` is missing`);
  return value;
}

/**
 * Validates the application claims of a signature-checked payload and maps them to a Principal.
 * Rejects: missing sub/jti/kind/roles/name, unknown roles, a terminal token with any other role, a staff token
 * claiming the terminal role, a terminal without canteen_id, an inspector without region_code.
 */
export function claimsToPrincipal(payload: Record<string, unknown>): Principal {
  const subject = requiredString(payload, 'sub');
  const tokenId = requiredString(payload, 'jti');
  const name = requiredString(payload, 'name');
  const kind = payload.kind;
  if (kind !== 'staff' && kind !== 'terminal') throw new InvalidClaimsError('claim `kind` must be "staff" or "terminal"');
  const rawRoles = payload.roles;
  if (!Array.isArray(rawRoles) || rawRoles.length === 0) throw new InvalidClaimsError('claim `roles` must be a non-empty array');
  const roles: Role[] = [];
  for (const role of rawRoles) {
    if (typeof role !== 'string' || !ROLE_SET.has(role)) throw new InvalidClaimsError(`claim \`roles\` contains an unknown role ${JSON.stringify(role)}`);
    if (!roles.includes(role as Role)) roles.push(role as Role);
  }
  const principal: Principal = { subject, kind, roles, name, tokenId };
  const unitId = optionalString(payload, 'unit_id');
  const canteenId = optionalString(payload, 'canteen_id');
  const regionCode = optionalString(payload, 'region_code');
  const settlementUnitId = optionalString(payload, 'settlement_unit_id');
  if (kind === 'terminal') {
    if (roles.length !== 1 || roles[0] !== Role.Terminal) throw new InvalidClaimsError('a terminal token carries exactly the role `terminal`');
    if (!canteenId) throw new InvalidClaimsError('a terminal token needs claim `canteen_id`');
    principal.canteenId = canteenId;
    return principal;
  }
  if (roles.includes(Role.Terminal)) throw new InvalidClaimsError('a staff token cannot carry the role `terminal`');
  if (unitId) principal.unitId = unitId;
  if (roles.includes(Role.Inspector)) {
    if (!regionCode || !/^\d{6}(\d{3}){0,2}$/.test(regionCode)) throw new InvalidClaimsError('an inspector token needs claim `region_code` (6, 9 or 12 digits)');
    principal.regionCode = regionCode;
  }
  if (settlementUnitId && roles.includes(Role.SettlementOfficer)) principal.settlementUnitId = settlementUnitId;
  return principal;
}

/** The application claims for a principal (the inverse of claimsToPrincipal, without the registered claims). */
export function principalToClaims(principal: Omit<Principal, 'tokenId'>): PrincipalClaims {
  const claims: PrincipalClaims = { sub: principal.subject, kind: principal.kind, roles: [...principal.roles], name: principal.name };
  if (principal.unitId) claims.unit_id = principal.unitId;
  if (principal.canteenId) claims.canteen_id = principal.canteenId;
  if (principal.regionCode) claims.region_code = principal.regionCode;
  if (principal.settlementUnitId) claims.settlement_unit_id = principal.settlementUnitId;
  return claims;
}
