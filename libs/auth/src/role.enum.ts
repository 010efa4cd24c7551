/** Who may do what. A token carries one or more roles; some are bound to a scope (a canteen, a region). */
export enum Role {
  /** 用餐人: a civil servant who scans meal codes. */
  Diner = 'diner',
  /** 食堂终端: a canteen terminal device, bound to exactly one canteen. */
  Terminal = 'terminal',
  /** 结算: clearing-company staff and unit finance officers. */
  SettlementOfficer = 'settlement_officer',
  /** 纪检监察: a discipline inspector, bound to a jurisdiction region and everything under it. */
  Inspector = 'inspector',
  /** 管理员: administrators of regions, units, canteens, codes, prices and model settings. */
  Admin = 'admin',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);
