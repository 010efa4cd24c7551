import { Role } from '@meal/auth/role.enum';

/** Writes are for administrators only. */
export const ORGANISATION_WRITERS: readonly Role[] = [Role.Admin];

/**
 * Reads of the organisation's shape (regions, units, canteens) are also open to inspectors (to read their
 * jurisdiction) and settlement officers (to read who owns which canteen).
 */
export const ORGANISATION_READERS: readonly Role[] = [Role.Admin, Role.Inspector, Role.SettlementOfficer];

/**
 * Staff lists carry personal data: administrators only. Inspectors see the staff behind a case through the
 * risk service, where their jurisdiction is enforced; an unscoped staff list would leak other regions' people.
 */
export const STAFF_READERS: readonly Role[] = [Role.Admin];
