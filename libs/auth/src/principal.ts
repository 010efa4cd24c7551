import { Role } from './role.enum';

/** The verified identity behind a request or an event, taken from a token's claims. */
export interface Principal {
  /** Token subject: a staff id (uuid) for people, a terminal id for terminals. */
  subject: string;
  kind: 'staff' | 'terminal';
  roles: Role[];
  name: string;
  /** The staff member's unit (people only). */
  unitId?: string;
  /** The canteen a terminal is bound to (terminals only). */
  canteenId?: string;
  /** The jurisdiction region code of an inspector (the region and everything under it). */
  regionCode?: string;
  /** A settlement officer bound to one unit's finances (unit finance officer); absent = clearing-company wide. */
  settlementUnitId?: string;
  /** Token id, for audit. */
  tokenId: string;
}
