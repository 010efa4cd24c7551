import { CanteenInfo, MealFact, RiskContext, Trigger } from '../facts/fact.types';
import { dinerLabel, haversineKm, mealEvidence, shanghaiDateTime, SLOT_LABELS } from './model-format';
import { ThresholdReader } from './threshold-parsing';
import { ModelSettings, WarningDraft, WarningModel } from './warning-model';

export interface ProxyOrFakeScanThresholds {
  /** Metres beyond the canteen's geofence radius still tolerated. */
  distanceToleranceMeters: number;
  /** Two scans imply a speed above this (km/h) → fire. Exactly at the threshold does not fire. */
  maxSpeedKmh: number;
  /** Jumps shorter than this (km) are never a speed warning (neighbouring canteens, GPS noise). */
  minJumpKm: number;
  /** How far apart in time two scans may be to be compared. */
  pairWindowHours: number;
}

const HOUR_MS = 3_600_000;

/**
 * 代扫/虚假扫码: a scan outside the canteen's geofence (withinGeofence=false, or distance > radius + tolerance), and
 * two scans of one diner whose implied speed (haversine km between the canteens ÷ hours between the scans) exceeds
 * maxSpeedKmh. Canteen coordinates come from the organisation tables, falling back to the scan coordinates.
 */
export class ProxyOrFakeScanModel implements WarningModel<ProxyOrFakeScanThresholds> {
  readonly key = 'proxy-or-fake-scan';
  readonly version = '1';
  readonly title = '代扫/虚假扫码';
  readonly description = 'A scan outside the canteen geofence, or two scans of one diner too far apart for the time between them.';
  readonly triggers = ['meal'] as const;
  readonly defaultThresholds: ProxyOrFakeScanThresholds = { distanceToleranceMeters: 0, maxSpeedKmh: 120, minJumpKm: 1, pairWindowHours: 12 };

  parseThresholds(raw: Record<string, unknown>) {
    const r = new ThresholdReader(raw, ['distanceToleranceMeters', 'maxSpeedKmh', 'minJumpKm', 'pairWindowHours']);
    return r.result<ProxyOrFakeScanThresholds>({
      distanceToleranceMeters: r.number('distanceToleranceMeters', 0, 100_000),
      maxSpeedKmh: r.number('maxSpeedKmh', 1, 2000),
      minJumpKm: r.number('minJumpKm', 0, 1000),
      pairWindowHours: r.number('pairWindowHours', 0.1, 72),
    });
  }

  async evaluate(trigger: Trigger, context: RiskContext, settings: ModelSettings<ProxyOrFakeScanThresholds>): Promise<WarningDraft[]> {
    if (trigger.kind !== 'meal' || trigger.meal.voidedAt) return [];
    const { meal } = trigger;
    const t = settings.thresholds;
    const drafts: WarningDraft[] = [];
    // the diner's label is only read when something fires (most meals raise nothing)
    let label: string | undefined;
    const whoIs = async (): Promise<string> => (label ??= await dinerLabel(context, meal.dinerId, meal.dinerUnitId));
    const canteen = await context.canteen(meal.canteenId);

    const radius = canteen?.geofenceRadiusM;
    const tooFar = radius !== undefined && meal.distanceMeters > radius + t.distanceToleranceMeters;
    if (!meal.withinGeofence || tooFar) {
      const who = await whoIs();
      const name = canteen?.name ?? meal.canteenId;
      const limit = radius === undefined ? '' : `（电子围栏半径${radius}米${t.distanceToleranceMeters > 0 ? `+容差${t.distanceToleranceMeters}米` : ''}）`;
      drafts.push({
        dedupeKey: `proxy-scan:geofence:${meal.mealId}`,
        severity: settings.severity,
        subjectType: 'diner',
        subjectId: meal.dinerId,
        subjectName: who,
        regionCode: meal.dinerRegionCode,
        businessDate: meal.mealDate,
        evidence: [
          await mealEvidence(context, meal),
          {
            kind: 'scan-location',
            ref: meal.mealId,
            eventId: meal.eventId,
            summary: `扫码位置(${meal.scanLatitude.toFixed(5)}, ${meal.scanLongitude.toFixed(5)})距${name}${Math.round(meal.distanceMeters)}米`,
            occurredAt: meal.scannedAt,
            date: meal.mealDate,
            details: {
              scanLatitude: meal.scanLatitude,
              scanLongitude: meal.scanLongitude,
              canteenLatitude: canteen?.latitude,
              canteenLongitude: canteen?.longitude,
              distanceMeters: meal.distanceMeters,
              geofenceRadiusM: radius,
              withinGeofence: meal.withinGeofence,
            },
          },
        ],
        explanation: `${who}于${shanghaiDateTime(meal.scannedAt)}在${name}扫码${SLOT_LABELS[meal.slot]}，手机位置距食堂${Math.round(meal.distanceMeters)}米，超出电子围栏${limit}`,
      });
    }

    const from = new Date(Date.parse(meal.scannedAt) - t.pairWindowHours * HOUR_MS).toISOString();
    const to = new Date(Date.parse(meal.scannedAt) + t.pairWindowHours * HOUR_MS).toISOString();
    const neighbours = (await context.mealsScannedBetween(meal.dinerId, from, to)).filter((m) => m.mealId !== meal.mealId);
    const here = position(meal, canteen);
    for (const other of neighbours) {
      const otherCanteen = await context.canteen(other.canteenId);
      const there = position(other, otherCanteen);
      const km = haversineKm(here.latitude, here.longitude, there.latitude, there.longitude);
      if (km < t.minJumpKm) continue;
      const hours = Math.abs(Date.parse(meal.scannedAt) - Date.parse(other.scannedAt)) / HOUR_MS;
      const speed = hours === 0 ? Number.POSITIVE_INFINITY : km / hours;
      if (!(speed > t.maxSpeedKmh)) continue;
      const who = await whoIs();
      const [first, second] = [meal, other].sort((a, b) => a.scannedAt.localeCompare(b.scannedAt) || a.mealId.localeCompare(b.mealId));
      const [firstName, secondName] = first === meal ? [canteen?.name ?? meal.canteenId, otherCanteen?.name ?? other.canteenId] : [otherCanteen?.name ?? other.canteenId, canteen?.name ?? meal.canteenId];
      const minutes = Math.round(hours * 60);
      const speedText = Number.isFinite(speed) ? `${Math.round(speed)}公里/小时` : '同一时刻';
      const [a, b] = [meal.mealId, other.mealId].sort();
      drafts.push({
        dedupeKey: `proxy-scan:speed:${a}:${b}`,
        severity: settings.severity,
        subjectType: 'diner',
        subjectId: meal.dinerId,
        subjectName: who,
        regionCode: meal.dinerRegionCode,
        businessDate: first.mealDate,
        evidence: [
          await mealEvidence(context, first, { impliedSpeedKmh: Number.isFinite(speed) ? Math.round(speed * 10) / 10 : null, distanceKm: Math.round(km * 100) / 100 }),
          await mealEvidence(context, second, { impliedSpeedKmh: Number.isFinite(speed) ? Math.round(speed * 10) / 10 : null, distanceKm: Math.round(km * 100) / 100 }),
        ],
        explanation: `${who}于${shanghaiDateTime(first.scannedAt)}在${firstName}、${shanghaiDateTime(second.scannedAt)}在${secondName}先后扫码，两地相距${km.toFixed(1)}公里仅隔${minutes}分钟（折合${speedText}），疑似代扫`,
      });
    }
    return drafts;
  }
}

function position(meal: MealFact, canteen: CanteenInfo | undefined): { latitude: number; longitude: number } {
  return canteen ? { latitude: canteen.latitude, longitude: canteen.longitude } : { latitude: meal.scanLatitude, longitude: meal.scanLongitude };
}
