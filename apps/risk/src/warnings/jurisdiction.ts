import { Principal, regionPrefix, Role } from '@meal/auth';

/**
 * The region code prefix a reader may see: undefined for admins (everything), the inspector's region prefix
 * (330802 → "330802", 330800 → "3308") otherwise. An inspector without a region sees nothing.
 */
export function jurisdictionPrefixOf(principal: Principal): string | undefined {
  if (principal.roles.includes(Role.Admin)) return undefined;
  if (principal.roles.includes(Role.Inspector) && principal.regionCode) return regionPrefix(principal.regionCode);
  return 'none';
}
