import { Injectable } from '@nestjs/common';
import { AppConfig } from '@meal/config';
import { VerifiedMealCode } from '../meal-code/meal-code.service';
import { CanteenInfo, DinerInfo, MealRepository, TerminalInfo } from './meal.repository';
import { TtlCache } from './ttl-cache';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The reference data of the scan path — canteens with their slots, diners with their units, terminals, and
 * scanned meal codes that verified — cached in memory for SCAN_CACHE_TTL_MS (default 5 s), so the lunch rush
 * reads PostgreSQL only for the meal itself. A change (deactivation, new prices, a revoked code) takes effect
 * within that TTL on every instance.
 */
@Injectable()
export class ScanDirectory {
  private readonly canteens: TtlCache<string, CanteenInfo>;
  private readonly diners: TtlCache<string, DinerInfo>;
  private readonly terminals: TtlCache<string, TerminalInfo>;
  readonly mealCodes: TtlCache<string, VerifiedMealCode>;

  constructor(
    private readonly repository: MealRepository,
    config: AppConfig,
  ) {
    const ttl = config.scan.cacheTtlMs;
    this.canteens = new TtlCache(ttl);
    this.diners = new TtlCache(ttl, 100_000);
    this.terminals = new TtlCache(ttl);
    this.mealCodes = new TtlCache(ttl, 5_000);
  }

  canteen(canteenId: string): Promise<CanteenInfo | null> {
    if (!isUuid(canteenId)) return Promise.resolve(null);
    return this.canteens.get(canteenId.toLowerCase(), () => this.repository.findCanteen(canteenId));
  }

  diner(staffId: string): Promise<DinerInfo | null> {
    if (!isUuid(staffId)) return Promise.resolve(null);
    return this.diners.get(staffId.toLowerCase(), () => this.repository.findDiner(staffId));
  }

  terminal(terminalId: string): Promise<TerminalInfo | null> {
    if (!isUuid(terminalId)) return Promise.resolve(null);
    return this.terminals.get(terminalId.toLowerCase(), () => this.repository.findTerminal(terminalId));
  }

  /** Forgets everything (tests that change reference data mid-run). */
  clear(): void {
    this.canteens.clear();
    this.diners.clear();
    this.terminals.clear();
    this.mealCodes.clear();
  }
}
