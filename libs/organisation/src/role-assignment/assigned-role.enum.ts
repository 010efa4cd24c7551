/**
 * The roles that are assigned explicitly (same values as Role in @meal/auth). Every active staff member is
 * implicitly a diner, and terminals are the terminal role, so neither is ever assigned.
 */
export enum AssignedRole {
  SettlementOfficer = 'settlement_officer',
  Inspector = 'inspector',
  Admin = 'admin',
}

export const ASSIGNED_ROLES: readonly AssignedRole[] = Object.values(AssignedRole);
