import { Injectable } from '@nestjs/common';
import { Principal } from '@meal/auth';
import { WARNING_MODELS } from '../models/warning-model.registry';
import { jurisdictionPrefixOf } from '../warnings/jurisdiction';
import { MonthRangeInvalidException } from './dashboard.exceptions';
import { DashboardRepository, MonthRange } from './dashboard.repository';
import { DashboardDto, ModelQualityReportDto } from './dto/dashboard.dto';

const MAX_MONTHS = 36;

/** YYYY-MM shifted by n months. */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** The month range of a query: default the last 12 months up to this month (Asia/Shanghai). */
export function monthRangeOf(from: string | undefined, to: string | undefined, now = Date.now()): { from: string; to: string; range: MonthRange } {
  const last = to ?? new Date(now + 8 * 3600_000).toISOString().slice(0, 7);
  const first = from ?? addMonths(last, -11);
  if (first > last) throw new MonthRangeInvalidException(`from ${first} is after to ${last}`);
  const [fy, fm] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  if ((ly - fy) * 12 + (lm - fm) + 1 > MAX_MONTHS) throw new MonthRangeInvalidException(`at most ${MAX_MONTHS} months at once`);
  return { from: first, to: last, range: { start: `${first}-01`, end: `${addMonths(last, 1)}-01` } };
}

/** The dashboard (warnings, cases, canteen use, receptions) and per-model quality figures, within the jurisdiction. */
@Injectable()
export class DashboardService {
  constructor(private readonly repository: DashboardRepository) {}

  async dashboard(principal: Principal, fromMonth?: string, toMonth?: string): Promise<DashboardDto> {
    const { from, to, range } = monthRangeOf(fromMonth, toMonth);
    const prefix = jurisdictionPrefixOf(principal);
    const [warningsByModelMonth, warningsByRegion, openCases, ageing, canteenUse, receptionTrend] = await Promise.all([
      this.repository.warningsByModelMonth(prefix, range),
      this.repository.warningsByRegion(prefix, range),
      this.repository.openCasesByStatus(prefix),
      this.repository.openCasesAgeing(prefix),
      this.repository.canteenUse(prefix, range),
      this.repository.receptionTrend(prefix, range),
    ]);
    const buckets = ['0-7', '8-30', '31-90', '90+'];
    return {
      from,
      to,
      regionPrefix: prefix ?? null,
      warningsByModelMonth,
      warningsByRegion,
      openCases,
      ageing: buckets.map((key) => ({ key, count: ageing.find((a) => a.key === key)?.count ?? 0 })),
      canteenUse,
      receptionTrend,
    };
  }

  async quality(principal: Principal, fromMonth?: string, toMonth?: string): Promise<ModelQualityReportDto> {
    const { from, to, range } = monthRangeOf(fromMonth, toMonth);
    const rows = await this.repository.quality(jurisdictionPrefixOf(principal), range);
    const keys = [...new Set([...WARNING_MODELS.map((m) => m.key), ...rows.map((r) => r.modelKey)])];
    return {
      from,
      to,
      models: keys.map((key) => {
        const row = rows.find((r) => r.modelKey === key) ?? { modelKey: key, open: 0, confirmed: 0, dismissed: 0, inconclusive: 0 };
        const decided = row.confirmed + row.dismissed;
        return {
          ...row,
          title: WARNING_MODELS.find((m) => m.key === key)?.title ?? key,
          precision: decided === 0 ? null : Math.round((row.confirmed / decided) * 1000) / 1000,
        };
      }),
    };
  }
}
