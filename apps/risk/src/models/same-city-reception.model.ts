import { AlertSeverity } from '@meal/contracts';
import { ReceptionFact, RiskContext, Trigger } from '../facts/fact.types';
import { yuan } from './model-format';
import { cityPrefixOf } from './region-codes';
import { ThresholdReader } from './threshold-parsing';
import { EvidenceItem, ModelSettings, WarningDraft, WarningModel } from './warning-model';

export interface SameCityReceptionThresholds {
  /** Digits of the region code that name the city (4: 3308xx is 衢州市). */
  cityPrefixLength: number;
  /** Severity when there was no official letter (公函); with a letter the model's severity applies. */
  severityWithoutLetter: AlertSeverity;
}

export function receptionEvidence(record: ReceptionFact, hostName: string, guestNames: string[], extra: Record<string, unknown> = {}): EvidenceItem {
  return {
    kind: 'reception-record',
    ref: record.recordId,
    eventId: record.eventId,
    summary: `${record.date} ${hostName}接待${guestNames.join('、')}，${record.headcount}人，${yuan(record.amountFen)}，${record.officialLetterRef ? `公函${record.officialLetterRef}` : '无公函'}，地点：${record.place}`,
    date: record.date,
    amountFen: record.amountFen,
    details: {
      hostUnitId: record.hostUnitId,
      hostUnitName: hostName,
      guestUnitIds: record.guestUnitIds,
      guestUnitNames: guestNames,
      headcount: record.headcount,
      officialLetterRef: record.officialLetterRef,
      place: record.place,
      ...extra,
    },
  };
}

/**
 * 同城公务接待: a reception whose host unit and at least one guest unit are in the same city (同城公务活动不安排用餐).
 * Fires with or without an official letter; without one the severity is `severityWithoutLetter`.
 */
export class SameCityReceptionModel implements WarningModel<SameCityReceptionThresholds> {
  readonly key = 'same-city-reception';
  readonly version = '1';
  readonly title = '同城公务接待';
  readonly description = 'A reception record whose host and a guest unit are in the same city; more severe without an official letter.';
  readonly triggers = ['reception'] as const;
  readonly defaultThresholds: SameCityReceptionThresholds = { cityPrefixLength: 4, severityWithoutLetter: 'high' };

  parseThresholds(raw: Record<string, unknown>) {
    const r = new ThresholdReader(raw, ['cityPrefixLength', 'severityWithoutLetter']);
    return r.result<SameCityReceptionThresholds>({ cityPrefixLength: r.integer('cityPrefixLength', 2, 12), severityWithoutLetter: r.severity('severityWithoutLetter') });
  }

  async evaluate(trigger: Trigger, context: RiskContext, settings: ModelSettings<SameCityReceptionThresholds>): Promise<WarningDraft[]> {
    if (trigger.kind !== 'reception') return [];
    const { record } = trigger;
    const host = await context.unit(record.hostUnitId);
    if (!host) return [];
    const city = cityPrefixOf(host.regionCode, settings.thresholds.cityPrefixLength);
    const sameCity: string[] = [];
    const guestNames: string[] = [];
    for (const guestId of record.guestUnitIds) {
      const guest = await context.unit(guestId);
      guestNames.push(guest?.name ?? guestId);
      if (guest && guest.id !== host.id && cityPrefixOf(guest.regionCode, settings.thresholds.cityPrefixLength) === city) sameCity.push(guest.name);
    }
    if (sameCity.length === 0) return [];
    const letter = record.officialLetterRef;
    return [
      {
        dedupeKey: `same-city-reception:${record.recordId}`,
        severity: letter ? settings.severity : settings.thresholds.severityWithoutLetter,
        subjectType: 'unit',
        subjectId: host.id,
        subjectName: host.name,
        regionCode: host.regionCode,
        businessDate: record.date,
        evidence: [receptionEvidence(record, host.name, guestNames, { sameCityGuestUnitNames: sameCity })],
        explanation: `${host.name}于${record.date}在${record.place}接待同城单位${sameCity.join('、')}，${record.headcount}人，${yuan(record.amountFen)}，${letter ? `有公函${letter}` : '无公函'}，违反同城公务活动不安排用餐规定`,
      },
    ];
  }
}
