import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role, TokenIssuer } from '@meal/auth';
import { EvidenceItem } from '../src/models/warning-model';
import { RiskHarness } from './risk-test-harness';

/** A seeded inspector: a staff row with an inspector role assignment, optionally a lead, and a token for them. */
export interface SeededInspector {
  id: string;
  name: string;
  externalId: string;
  regionCode: string;
  token: string;
}

export interface CaseSeed {
  model?: string;
  subjectType?: string;
  subjectId?: string;
  subjectName?: string;
  regionCode: string;
  severity?: 'low' | 'medium' | 'high' | 'critical';
  /** UTC instant of the (single) warning. */
  at?: string;
  evidence?: EvidenceItem[];
  explanation?: string;
}

export interface ConsoleFixture {
  /** 市纪委 lead, jurisdiction 330800 (all of Quzhou). */
  cityLead: SeededInspector;
  /** 衢江区 inspectors (330803). */
  qujiang: SeededInspector;
  qujiang2: SeededInspector;
  /** 柯城区 inspector (330802), not a lead. */
  kecheng: SeededInspector;
  /** A person without any role assignment. */
  plainDiner: { id: string; externalId: string };
  insertCase(seed: CaseSeed): Promise<string>;
}

/** Staff, inspector role assignments, a lead flag, tokens; and a way to insert cases with one warning each. */
export async function seedConsoleFixture(h: RiskHarness): Promise<ConsoleFixture> {
  const ds: DataSource = h.dataSource;
  const issuer = h.app.get(TokenIssuer);
  const suffix = randomUUID().slice(0, 8);
  let n = 0;
  const staff = async (name: string, unitId: string): Promise<{ id: string; externalId: string }> => {
    n += 1;
    const externalId = `zzd-console-${suffix}-${n}`;
    const [row] = (await ds.query(`INSERT INTO staff (unit_id, staff_number, external_identity_id, name) VALUES ($1, $2, $3, $4) RETURNING id`, [
      unitId,
      `C-${suffix}-${n}`,
      externalId,
      name,
    ])) as { id: string }[];
    return { id: row.id, externalId };
  };
  const inspector = async (name: string, regionCode: string, lead: boolean): Promise<SeededInspector> => {
    const s = await staff(name, h.fixture.unitA.id);
    await ds.query(`INSERT INTO role_assignments (staff_id, role, region_code) VALUES ($1, 'inspector', $2)`, [s.id, regionCode]);
    if (lead) await ds.query(`INSERT INTO risk_inspector_leads (staff_id, granted_by) VALUES ($1, $1)`, [s.id]);
    const token = issuer.issue({ subject: s.id, kind: 'staff', roles: [Role.Diner, Role.Inspector], name, unitId: h.fixture.unitA.id, regionCode }, { ttlSeconds: 3600 }).accessToken;
    return { id: s.id, name, externalId: s.externalId, regionCode, token };
  };
  const cityLead = await inspector('周组长', '330800', true);
  const qujiang = await inspector('吴核查', '330803', false);
  const qujiang2 = await inspector('郑核查', '330803', false);
  const kecheng = await inspector('冯核查', '330802', false);
  const plainDiner = await staff('陈普通', h.fixture.unitA.id);

  const insertCase = async (seed: CaseSeed): Promise<string> => {
    const at = seed.at ?? new Date().toISOString();
    const model = seed.model ?? 'two-meals-one-slot';
    const subjectId = seed.subjectId ?? randomUUID();
    const [kase] = (await ds.query(
      `INSERT INTO risk_cases (model_key, subject_type, subject_id, subject_name, region_code, severity, warning_count, first_warning_at, last_warning_at)
       VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`,
      [model, seed.subjectType ?? 'diner', subjectId, seed.subjectName ?? `对象${subjectId.slice(0, 4)}`, seed.regionCode, seed.severity ?? 'medium', at],
    )) as { id: string }[];
    await ds.query(
      `INSERT INTO risk_warnings (model_key, model_version, settings_revision, thresholds, severity, subject_type, subject_id, subject_name, region_code,
         dedupe_key, evidence, explanation, trigger_event_id, business_date, case_id, raised_at)
       VALUES ($1, '1', 1, '{"maxMealsPerSlot": 1}', $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, ($11::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, $12, $11)`,
      [
        model,
        seed.severity ?? 'medium',
        seed.subjectType ?? 'diner',
        subjectId,
        seed.subjectName ?? null,
        seed.regionCode,
        `console-test:${randomUUID()}`,
        JSON.stringify(seed.evidence ?? []),
        seed.explanation ?? '测试预警说明',
        randomUUID(),
        at,
        kase.id,
      ],
    );
    return kase.id;
  };

  return { cityLead, qujiang, qujiang2, kecheng, plainDiner, insertCase };
}

/** Evidence of a scan outside a canteen's geofence, shaped as the proxy-or-fake-scan model writes it. */
export function geofenceEvidence(canteen: { name: string; latitude: number; longitude: number }, at: string): EvidenceItem[] {
  const mealId = randomUUID();
  const eventId = randomUUID();
  const scan = { scanLatitude: canteen.latitude + 0.02, scanLongitude: canteen.longitude + 0.01, distanceMeters: 2400, withinGeofence: false };
  const place = { canteenLatitude: canteen.latitude, canteenLongitude: canteen.longitude, geofenceRadiusM: 200 };
  return [
    {
      kind: 'meal',
      ref: mealId,
      eventId,
      summary: `${at.slice(0, 10)} 午餐 12:01 在${canteen.name}就餐，个人支付20.00元`,
      occurredAt: at,
      date: at.slice(0, 10),
      amountFen: 2000,
      details: { canteenName: canteen.name, slot: 'lunch', payer: 'self', ...scan, ...place },
    },
    { kind: 'scan-location', ref: mealId, eventId, summary: `扫码位置距${canteen.name}2400米`, occurredAt: at, date: at.slice(0, 10), details: { ...scan, ...place } },
  ];
}

/** Two receptions A→B and B→A, shaped as the mutual-treating model writes them. */
export function mutualTreatingEvidence(a: { id: string; name: string }, b: { id: string; name: string }): EvidenceItem[] {
  const record = (id: string, host: { id: string; name: string }, guest: { id: string; name: string }, date: string, amountFen: number): EvidenceItem => ({
    kind: 'reception-record',
    ref: id,
    eventId: randomUUID(),
    summary: `${date} ${host.name}接待${guest.name}，4人，${amountFen / 100}元，无公函`,
    date,
    amountFen,
    details: { hostUnitId: host.id, hostUnitName: host.name, guestUnitIds: [guest.id], guestUnitNames: [guest.name], headcount: 4, officialLetterRef: null, place: '机关食堂', edge: { host: host.id, guest: guest.id } },
  });
  return [record(`rec-${randomUUID().slice(0, 6)}`, a, b, '2025-03-01', 48000), record(`rec-${randomUUID().slice(0, 6)}`, b, a, '2025-03-20', 36000)];
}
