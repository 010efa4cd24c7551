import { EvidenceItem } from '../models/warning-model';

/** One record in the case's evidence timeline (meals, allowance claims, reception records), from the warnings' evidence. */
export interface TimelineItem {
  kind: string;
  ref: string;
  /** UTC instant when known (scans), else null. */
  occurredAt: string | null;
  /** Asia/Shanghai day (meal date, reception date, trip start). */
  date: string | null;
  summary: string;
  amountFen: number | null;
  /** The fields an inspector looks for: canteen and slot, trip range, host and guests, place. */
  facts: Record<string, unknown>;
  /** The warnings of the case that cite this record. */
  warningIds: string[];
}

/** A scan against its canteen's geofence. */
export interface MapPoint {
  ref: string;
  occurredAt: string | null;
  canteenName: string | null;
  canteenLatitude: number;
  canteenLongitude: number;
  geofenceRadiusM: number | null;
  scanLatitude: number;
  scanLongitude: number;
  distanceMeters: number | null;
  withinGeofence: boolean | null;
}

export interface GraphNode {
  id: string;
  name: string;
}

export interface GraphEdge {
  host: string;
  guest: string;
  date: string | null;
  recordId: string;
  amountFen: number | null;
  officialLetterRef: string | null;
}

export interface CaseViews {
  timeline: TimelineItem[];
  map: { points: MapPoint[] } | null;
  graph: { nodes: GraphNode[]; edges: GraphEdge[] } | null;
}

const FACT_FIELDS: Record<string, readonly string[]> = {
  meal: ['canteenName', 'slot', 'payer', 'distanceMeters', 'withinGeofence'],
  'allowance-claim': ['tripStart', 'tripEnd', 'days', 'status', 'destinationRegionCode', 'overlapDays'],
  'reception-record': ['hostUnitName', 'guestUnitNames', 'headcount', 'officialLetterRef', 'place'],
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The timeline, the map data (location warnings) and the hosted-whom graph (reception evidence) of a case. */
export function buildCaseViews(modelKey: string, warnings: { id: string; evidence: EvidenceItem[] }[]): CaseViews {
  const timeline = new Map<string, TimelineItem>();
  const points = new Map<string, MapPoint>();
  const nodes = new Map<string, string>();
  const edges = new Map<string, GraphEdge>();
  let locationEvidence = modelKey === 'proxy-or-fake-scan';

  for (const warning of warnings) {
    for (const e of warning.evidence) {
      const d = e.details ?? {};
      if (e.kind === 'scan-location') locationEvidence = true;
      if (e.kind !== 'scan-location') {
        const key = `${e.kind}:${e.ref}`;
        const item = timeline.get(key);
        if (item) {
          if (!item.warningIds.includes(warning.id)) item.warningIds.push(warning.id);
        } else {
          const facts: Record<string, unknown> = {};
          for (const field of FACT_FIELDS[e.kind] ?? []) if (d[field] !== undefined) facts[field] = d[field];
          timeline.set(key, { kind: e.kind, ref: e.ref, occurredAt: e.occurredAt ?? null, date: e.date ?? null, summary: e.summary, amountFen: e.amountFen ?? null, facts, warningIds: [warning.id] });
        }
      }
      const scanLatitude = num(d.scanLatitude);
      const scanLongitude = num(d.scanLongitude);
      const canteenLatitude = num(d.canteenLatitude);
      const canteenLongitude = num(d.canteenLongitude);
      if ((e.kind === 'meal' || e.kind === 'scan-location') && scanLatitude !== null && scanLongitude !== null && canteenLatitude !== null && canteenLongitude !== null) {
        const existing = points.get(e.ref);
        points.set(e.ref, {
          ref: e.ref,
          occurredAt: e.occurredAt ?? existing?.occurredAt ?? null,
          canteenName: str(d.canteenName) ?? existing?.canteenName ?? null,
          canteenLatitude,
          canteenLongitude,
          geofenceRadiusM: num(d.geofenceRadiusM) ?? existing?.geofenceRadiusM ?? null,
          scanLatitude,
          scanLongitude,
          distanceMeters: num(d.distanceMeters) ?? existing?.distanceMeters ?? null,
          withinGeofence: typeof d.withinGeofence === 'boolean' ? d.withinGeofence : (existing?.withinGeofence ?? null),
        });
      }
      if (e.kind === 'reception-record') {
        const host = str(d.hostUnitId);
        const guests = Array.isArray(d.guestUnitIds) ? d.guestUnitIds.filter((g): g is string => typeof g === 'string') : [];
        const guestNames = Array.isArray(d.guestUnitNames) ? d.guestUnitNames : [];
        if (!host) continue;
        nodes.set(host, str(d.hostUnitName) ?? nodes.get(host) ?? host);
        guests.forEach((g, i) => nodes.set(g, str(guestNames[i]) ?? nodes.get(g) ?? g));
        const edge = d.edge as { host?: unknown; guest?: unknown } | undefined;
        const pairs = edge && typeof edge.host === 'string' && typeof edge.guest === 'string' ? [[edge.host, edge.guest]] : guests.filter((g) => g !== host).map((g) => [host, g]);
        for (const [h, g] of pairs) {
          edges.set(`${e.ref}:${h}:${g}`, { host: h, guest: g, date: e.date ?? null, recordId: e.ref, amountFen: e.amountFen ?? null, officialLetterRef: str(d.officialLetterRef) });
        }
      }
    }
  }

  // By business day (meal date, reception date, trip start), then by instant within the day.
  const at = (t: TimelineItem): string => `${t.date ?? t.occurredAt?.slice(0, 10) ?? '9999-12-31'} ${t.occurredAt ?? ''}`;
  return {
    timeline: [...timeline.values()].sort((a, b) => at(a).localeCompare(at(b)) || a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref)),
    map: locationEvidence && points.size > 0 ? { points: [...points.values()].sort((a, b) => (a.occurredAt ?? '').localeCompare(b.occurredAt ?? '')) } : null,
    graph: edges.size > 0 ? { nodes: [...nodes].map(([id, name]) => ({ id, name })), edges: [...edges.values()].sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || a.recordId.localeCompare(b.recordId)) } : null,
  };
}
