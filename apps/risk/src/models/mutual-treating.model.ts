import { ReceptionFact, RiskContext, Trigger, UnitInfo } from '../facts/fact.types';
import { addDays, daysBetween, groupId, yuan } from './model-format';
import { cityPrefixOf, commonRegionOf } from './region-codes';
import { receptionEvidence } from './same-city-reception.model';
import { ThresholdReader } from './threshold-parsing';
import { ModelSettings, WarningDraft, WarningModel } from './warning-model';

export interface MutualTreatingThresholds {
  /** All receptions of a pair or cycle lie within this many days (latest − earliest ≤ windowDays). */
  windowDays: number;
  /** Longest cycle searched (2 = only A→B→A). */
  maxCycleLength: number;
  /** Only units of one city (同城). */
  sameCityOnly: boolean;
  cityPrefixLength: number;
}

/** A hosting edge: `host` treated `guest` on `date`, per reception record. */
interface Edge {
  host: string;
  guest: string;
  date: string;
  record: ReceptionFact;
}

/**
 * 同城单位相互吃请: unit A hosts B and B hosts A within the window, and longer cycles A→B→C→A (up to maxCycleLength
 * units) whose receptions all lie within the window. Hosting edges come from reception records only: a unit-paid
 * meal is paid by the diner's own unit through settlement, so the canteen owner does not host anyone.
 */
export class MutualTreatingModel implements WarningModel<MutualTreatingThresholds> {
  readonly key = 'mutual-treating';
  readonly version = '1';
  readonly title = '同城单位相互吃请';
  readonly description = 'Units hosting each other (A→B and B→A, or a cycle A→B→C→A) within windowDays, from reception records.';
  readonly triggers = ['reception'] as const;
  readonly defaultThresholds: MutualTreatingThresholds = { windowDays: 30, maxCycleLength: 4, sameCityOnly: true, cityPrefixLength: 4 };

  parseThresholds(raw: Record<string, unknown>) {
    const r = new ThresholdReader(raw, ['windowDays', 'maxCycleLength', 'sameCityOnly', 'cityPrefixLength']);
    return r.result<MutualTreatingThresholds>({
      windowDays: r.integer('windowDays', 0, 366),
      maxCycleLength: r.integer('maxCycleLength', 2, 6),
      sameCityOnly: r.boolean('sameCityOnly'),
      cityPrefixLength: r.integer('cityPrefixLength', 2, 12),
    });
  }

  async evaluate(trigger: Trigger, context: RiskContext, settings: ModelSettings<MutualTreatingThresholds>): Promise<WarningDraft[]> {
    if (trigger.kind !== 'reception') return [];
    const t = settings.thresholds;
    const { record } = trigger;
    const records = await context.receptionsBetween(addDays(record.date, -t.windowDays), addDays(record.date, t.windowDays));
    if (!records.some((r) => r.recordId === record.recordId)) records.push(record);
    const edges = records.flatMap((r) => r.guestUnitIds.filter((g) => g !== r.hostUnitId).map((guest) => ({ host: r.hostUnitId, guest, date: r.date, record: r })));
    const outgoing = new Map<string, Edge[]>();
    for (const e of edges) outgoing.set(e.host, [...(outgoing.get(e.host) ?? []), e]);

    const cycles: Edge[][] = [];
    for (const start of edges.filter((e) => e.record.recordId === record.recordId)) {
      // Paths from the guest back to the host, each edge on a different unit, within the window.
      const walk = (path: Edge[], visited: Set<string>): void => {
        const last = path[path.length - 1];
        for (const next of outgoing.get(last.guest) ?? []) {
          const dates = [...path, next].map((e) => e.date).sort();
          if (daysBetween(dates[0], dates[dates.length - 1]) > t.windowDays) continue;
          if (next.guest === start.host) {
            cycles.push([...path, next]);
            continue;
          }
          if (visited.has(next.guest) || path.length + 1 >= t.maxCycleLength) continue;
          walk([...path, next], new Set([...visited, next.guest]));
        }
      };
      walk([start], new Set([start.host, start.guest]));
    }

    const drafts = new Map<string, WarningDraft>();
    for (const cycle of cycles) {
      const unitIds = cycle.map((e) => e.host);
      const units = new Map<string, UnitInfo | undefined>();
      for (const id of unitIds) units.set(id, await context.unit(id));
      const known = [...units.values()].filter((u): u is UnitInfo => u !== undefined);
      if (t.sameCityOnly) {
        if (known.length !== unitIds.length) continue;
        if (new Set(known.map((u) => cityPrefixOf(u.regionCode, t.cityPrefixLength))).size !== 1) continue;
      }
      const name = (id: string): string => units.get(id)?.name ?? id;
      const recordIds = [...new Set(cycle.map((e) => e.record.recordId))].sort();
      const pair = cycle.length === 2;
      const dedupeKey = pair ? `mutual-treating:pair:${recordIds.join(':')}` : `mutual-treating:cycle:${groupId(unitIds)}:${recordIds.join(':')}`;
      if (drafts.has(dedupeKey)) continue;
      // Present the cycle from its earliest reception, in hosting order.
      const firstIndex = cycle.reduce((best, e, i) => (e.date < cycle[best].date || (e.date === cycle[best].date && e.host < cycle[best].host) ? i : best), 0);
      const ordered = [...cycle.slice(firstIndex), ...cycle.slice(0, firstIndex)];
      const dates = cycle.map((e) => e.date).sort();
      const span = daysBetween(dates[0], dates[dates.length - 1]);
      const steps = ordered.map((e) => `${e.date}${name(e.host)}接待${name(e.guest)}（${e.record.headcount}人，${yuan(e.record.amountFen)}）`).join('；');
      const subjectName = pair ? `${name(ordered[0].host)}与${name(ordered[0].guest)}` : ordered.map((e) => name(e.host)).join('→');
      const explanation = pair
        ? `${name(ordered[0].host)}与${name(ordered[0].guest)}在${span}天内相互接待：${steps}`
        : `${[...ordered.map((e) => name(e.host)), name(ordered[0].host)].join('→')}在${span}天内循环接待：${steps}`;
      const evidence = [];
      for (const e of ordered) {
        const host = name(e.host);
        evidence.push(receptionEvidence(e.record, host, e.record.guestUnitIds.map(name), { edge: { host: e.host, guest: e.guest } }));
      }
      drafts.set(dedupeKey, {
        dedupeKey,
        severity: settings.severity,
        subjectType: pair ? 'unit-pair' : 'unit-group',
        subjectId: groupId(unitIds),
        subjectName,
        regionCode: known.length > 0 ? commonRegionOf(known.map((u) => u.regionCode)) : '000000',
        businessDate: dates[dates.length - 1],
        evidence,
        explanation,
      });
    }
    return [...drafts.values()].filter((d) => d.regionCode !== '000000');
  }
}
