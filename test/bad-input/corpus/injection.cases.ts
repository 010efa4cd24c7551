import { randomBytes, randomUUID } from 'node:crypto';
import { CaseDatabases, HttpCase, InjectionPayloads, RowChanges } from './corpus.types';
import payloadFile from './injection-payloads.json';

export const INJECTION_PAYLOADS: InjectionPayloads = payloadFile;

/** What the injection cases are built from. */
export interface InjectionCorpusContext {
  unitId: string;
  canteenId: string;
  /** Meals that may be voided, one per SQL/script payload (void reasons are stored). */
  voidableMealIds: string[];
  /** An already revoked meal-code version (revoking again stores nothing). */
  revokedCode: { canteenId: string; version: number };
  /** Identifiers of the risk fixture (units, diner) for import rows. */
  risk: { unitA: string; unitB: string; dinerId: string };
}

const category = 'injection' as const;

function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

let regionCounter = 0;
/** A fresh township code under 柯城区 330802 (900–999, not used by any fixture). */
function townshipCode(): string {
  regionCounter += 1;
  return `330802${String(900 + (regionCounter % 100)).padStart(3, '0')}`;
}

/** The stored row must hold exactly what was sent: the payload is data, never SQL, never escaped on the way in. */
function storedLiterally(table: string, column: string, key: string, value: string, idOf: (body: Record<string, unknown>) => string = (b) => String(b.id)) {
  return async ({ body }: { body: unknown }, db: CaseDatabases): Promise<string | undefined> => {
    const answer = body as Record<string, unknown>;
    if (answer[column] !== value) return `the answer shows ${JSON.stringify(answer[column])} instead of ${JSON.stringify(value)}`;
    const rows = await db.canteen(`SELECT ${column} AS v FROM ${table} WHERE ${key} = $1`, [idOf(answer)]);
    if (rows.length !== 1 || rows[0]?.v !== value) return `${table}.${column} holds ${JSON.stringify(rows[0]?.v)} instead of ${JSON.stringify(value)}`;
    return undefined;
  };
}

/** An accepted reception row: its outbox event, then (once the runner has let the consumer catch up) its fact. */
function acceptedRows(n: number): RowChanges {
  return { outbox_events: n, processed_events: n, risk_reception_records: n };
}

/** Both the risk DB's outbox and the answer say: one row accepted and published verbatim, or the row refused by line. */
function importAnswer(expected: { accepted: number; rejectedField?: string; literal?: string; line?: number }) {
  return async ({ body }: { body: unknown }, db: CaseDatabases): Promise<string | undefined> => {
    const answer = body as { accepted?: number; rejected?: { line: number; errors: { field: string }[] }[] };
    if (answer.accepted !== expected.accepted) return `accepted ${String(answer.accepted)} instead of ${expected.accepted}`;
    if (expected.rejectedField !== undefined) {
      const fields = answer.rejected?.[0]?.errors.map((e) => e.field) ?? [];
      const line = expected.line ?? 1;
      if (answer.rejected?.[0]?.line !== line || !fields.includes(expected.rejectedField)) return `rejected ${JSON.stringify(answer.rejected)} does not name ${expected.rejectedField} on line ${line}`;
    }
    if (expected.literal !== undefined) {
      const rows = await db.risk(`SELECT envelope::text AS t FROM outbox_events ORDER BY id DESC LIMIT 1`);
      const text = String(rows[0]?.t ?? '');
      if (!text.includes(JSON.stringify(expected.literal).slice(1, -1))) return `the published event does not carry ${JSON.stringify(expected.literal)} verbatim: ${text.slice(0, 300)}`;
    }
    return undefined;
  };
}

/**
 * SQL and script injection in every text field of the write APIs. Free-text fields (names, reasons, places) must
 * store the text exactly as sent (201/200, read back byte for byte, no other table touched); pattern fields (codes,
 * ids, region codes, times, keys) must refuse it with 400 VALIDATION_FAILED; text PostgreSQL cannot store (NUL) must
 * be refused with a 400, never a 500. Filters in queries must treat it as text.
 */
export function injectionCases(ctx: InjectionCorpusContext): HttpCase[] {
  const cases: HttpCase[] = [];
  const { sql, script, unstorable } = INJECTION_PAYLOADS;
  const storable = [...sql, ...script];
  const hostile = [...sql.slice(0, 3), ...script.slice(0, 2)];
  const admin = (name: string, method: 'POST' | 'PATCH', path: string, json: unknown, status: number, code?: string, rows: RowChanges = {}, check?: HttpCase['check']): void => {
    cases.push({ name, category, request: { service: 'canteen', method, path, as: 'admin', json }, expect: { status, code }, rows, check });
  };
  const slots = [{ slot: 'lunch', opensAt: '11:00', closesAt: '13:00', staffPriceFen: 1500, visitorPriceFen: 2000 }];
  const canteenBody = (name: string, code = unique('C')) => ({
    code,
    name,
    ownerUnitId: ctx.unitId,
    regionCode: '330802',
    latitude: 28.97,
    longitude: 118.86,
    geofenceRadiusM: 200,
    slots,
  });

  // free text: stored literally
  storable.forEach((payload, i) => {
    admin(`unit name #${i + 1} stored literally: ${payload}`, 'POST', '/units', { code: unique('U'), name: payload, regionCode: '330802' }, 201, undefined, { units: 1 }, storedLiterally('units', 'name', 'id', payload));
    admin(`staff name #${i + 1} stored literally: ${payload}`, 'POST', '/staff', { unitId: ctx.unitId, staffNumber: unique('S'), externalIdentityId: unique('zzd'), name: payload.slice(0, 100) }, 201, undefined, { staff: 1 }, storedLiterally('staff', 'name', 'id', payload.slice(0, 100)));
    admin(`canteen name #${i + 1} stored literally: ${payload}`, 'POST', '/canteens', canteenBody(payload), 201, undefined, { canteens: 1, canteen_meal_slots: 1 }, storedLiterally('canteens', 'name', 'id', payload));
    admin(`terminal name #${i + 1} stored literally: ${payload}`, 'POST', '/terminals', { canteenId: ctx.canteenId, code: unique('T'), name: payload }, 201, undefined, { terminals: 1 }, storedLiterally('terminals', 'name', 'id', payload));
    admin(`region name #${i + 1} stored literally: ${payload}`, 'POST', '/regions', { code: townshipCode(), name: payload.slice(0, 100), level: 'township', parentCode: '330802' }, 201, undefined, { regions: 1 }, storedLiterally('regions', 'name', 'code', payload.slice(0, 100), (b) => String(b.code)));
  });
  storable.slice(0, ctx.voidableMealIds.length).forEach((payload, i) => {
    const mealId = ctx.voidableMealIds[i] as string;
    cases.push({
      name: `void reason #${i + 1} stored literally: ${payload}`,
      category,
      request: { service: 'canteen', method: 'POST', path: `/meals/${mealId}/void`, as: 'admin', headers: { 'Idempotency-Key': `bad-${randomUUID()}` }, json: { reason: payload } },
      expect: { status: 200 },
      rows: { outbox_events: 1 },
      check: async (_answer, db) => {
        const rows = await db.canteen(`SELECT void_reason AS v, status FROM meals WHERE id = $1`, [mealId]);
        return rows[0]?.v === payload.trim() && rows[0]?.status === 'voided' ? undefined : `meals.void_reason holds ${JSON.stringify(rows[0]?.v)}`;
      },
    });
  });
  // a name changed by PATCH, stored literally
  admin(`unit renamed (PATCH) to a script`, 'PATCH', `/units/${ctx.unitId}`, { name: '<img src=x onerror=window.__xss=1>柯城区财政局' }, 200, undefined, {}, storedLiterally('units', 'name', 'id', '<img src=x onerror=window.__xss=1>柯城区财政局'));
  admin(`unit renamed back`, 'PATCH', `/units/${ctx.unitId}`, { name: '柯城区财政局' }, 200, undefined, {}, storedLiterally('units', 'name', 'id', '柯城区财政局'));

  // pattern fields: refused
  hostile.forEach((payload, i) => {
    admin(`unit code #${i + 1}: ${payload}`, 'POST', '/units', { code: payload, name: '注入测试单位', regionCode: '330802' }, 400, 'VALIDATION_FAILED');
    admin(`unit region code #${i + 1}: ${payload}`, 'POST', '/units', { code: unique('U'), name: '注入测试单位', regionCode: payload }, 400, 'VALIDATION_FAILED');
    admin(`unit parent id #${i + 1}: ${payload}`, 'POST', '/units', { code: unique('U'), name: '注入测试单位', regionCode: '330802', parentUnitId: payload }, 400, 'VALIDATION_FAILED');
    admin(`staff number #${i + 1}: ${payload}`, 'POST', '/staff', { unitId: ctx.unitId, staffNumber: payload, externalIdentityId: unique('zzd'), name: '注入' }, 400, 'VALIDATION_FAILED');
    admin(`staff external identity #${i + 1}: ${payload}`, 'POST', '/staff', { unitId: ctx.unitId, staffNumber: unique('S'), externalIdentityId: payload, name: '注入' }, 400, 'VALIDATION_FAILED');
    admin(`staff unit id #${i + 1}: ${payload}`, 'POST', '/staff', { unitId: payload, staffNumber: unique('S'), externalIdentityId: unique('zzd'), name: '注入' }, 400, 'VALIDATION_FAILED');
    admin(`canteen code #${i + 1}: ${payload}`, 'POST', '/canteens', canteenBody('注入测试食堂', payload), 400, 'VALIDATION_FAILED');
    admin(`canteen slot opensAt #${i + 1}: ${payload}`, 'POST', '/canteens', { ...canteenBody('注入测试食堂'), slots: [{ ...slots[0], opensAt: payload }] }, 400, 'VALIDATION_FAILED');
    admin(`canteen slot kind #${i + 1}: ${payload}`, 'POST', '/canteens', { ...canteenBody('注入测试食堂'), slots: [{ ...slots[0], slot: payload }] }, 400, 'VALIDATION_FAILED');
    admin(`terminal code #${i + 1}: ${payload}`, 'POST', '/terminals', { canteenId: ctx.canteenId, code: payload, name: '注入终端' }, 400, 'VALIDATION_FAILED');
    admin(`region code #${i + 1}: ${payload}`, 'POST', '/regions', { code: payload, name: '注入', level: 'township', parentCode: '330802' }, 400, 'VALIDATION_FAILED');
    admin(`region level #${i + 1}: ${payload}`, 'POST', '/regions', { code: townshipCode(), name: '注入', level: payload, parentCode: '330802' }, 400, 'VALIDATION_FAILED');
    admin(`role assignment region #${i + 1}: ${payload}`, 'POST', '/role-assignments', { staffId: randomUUID(), role: 'inspector', regionCode: payload }, 400, 'VALIDATION_FAILED');
    admin(`role assignment role #${i + 1}: ${payload}`, 'POST', '/role-assignments', { staffId: randomUUID(), role: payload }, 400, 'VALIDATION_FAILED');
    cases.push({
      name: `scan purpose #${i + 1}: ${payload}`,
      category,
      request: { service: 'canteen', method: 'POST', path: '/scans', as: 'freshDiner', headers: { 'Idempotency-Key': `bad-${randomUUID()}` }, json: { code: 'https://x/m/a.b.c', latitude: 28.97, longitude: 118.86, purpose: payload } },
      expect: { status: 400, code: 'VALIDATION_FAILED' },
    });
    cases.push({
      name: `dev login identity #${i + 1}: ${payload}`,
      category,
      request: { service: 'canteen', method: 'POST', path: '/auth/dev-login', json: { externalIdentityId: payload } },
      expect: { status: 404, code: 'IDENTITY_NOT_FOUND' },
    });
    cases.push({
      name: `dev login terminal code #${i + 1}: ${payload}`,
      category,
      request: { service: 'canteen', method: 'POST', path: '/auth/dev-login', json: { terminalCode: payload } },
      expect: { status: 400, code: 'VALIDATION_FAILED' },
    });
    cases.push({
      name: `meal-code verify text #${i + 1}: ${payload}`,
      category,
      request: { service: 'canteen', method: 'POST', path: '/meal-codes/verify', as: 'admin', json: { text: payload } },
      expect: { status: 200 },
      check: async ({ body }) => ((body as { valid?: boolean; code?: string }).valid === false && (body as { code?: string }).code === 'MEAL_CODE_MALFORMED' ? undefined : `verify said ${JSON.stringify(body)}`),
    });
    cases.push({
      name: `meal-code revoke reason #${i + 1} (already revoked: nothing stored): ${payload}`,
      category,
      request: { service: 'canteen', method: 'POST', path: `/canteens/${ctx.revokedCode.canteenId}/meal-codes/${ctx.revokedCode.version}/revoke`, as: 'admin', json: { reason: payload } },
      expect: { status: 200 },
    });
  });

  // filters: the payload is text to search for, not SQL
  for (const payload of ["zz' OR 1=1 --", "zz%' OR '1'='1"]) {
    for (const path of ['/units', '/canteens', '/staff']) {
      cases.push({
        name: `list filter ${path}?q=${payload}`,
        category,
        request: { service: 'canteen', method: 'GET', path: `${path}?q=${encodeURIComponent(payload)}`, as: 'admin' },
        expect: { status: 200 },
        check: async ({ body }) => ((body as { total?: number }).total === 0 ? undefined : `the filter matched ${String((body as { total?: number }).total)} rows`),
      });
    }
    // lists without a text filter refuse the unknown parameter
    for (const path of ['/terminals', '/regions']) {
      cases.push({
        name: `list without a q filter ${path}?q=${payload}`,
        category,
        request: { service: 'canteen', method: 'GET', path: `${path}?q=${encodeURIComponent(payload)}`, as: 'admin' },
        expect: { status: 400, code: 'VALIDATION_FAILED' },
      });
    }
  }
  cases.push({
    name: 'id path parameter that is SQL',
    category,
    request: { service: 'canteen', method: 'GET', path: `/units/${encodeURIComponent("1' OR '1'='1")}`, as: 'admin' },
    // ParseUUIDPipe: "Validation failed (uuid is expected)"
    expect: { status: 400, code: 'BAD_REQUEST' },
  });

  // text PostgreSQL cannot store
  unstorable.forEach((payload, i) => {
    admin(`unit name with NUL #${i + 1}`, 'POST', '/units', { code: unique('U'), name: payload, regionCode: '330802' }, 400, 'VALIDATION_FAILED');
    admin(`staff name with NUL #${i + 1}`, 'POST', '/staff', { unitId: ctx.unitId, staffNumber: unique('S'), externalIdentityId: unique('zzd'), name: payload }, 400, 'VALIDATION_FAILED');
    admin(`canteen name with NUL #${i + 1}`, 'POST', '/canteens', canteenBody(payload), 400, 'VALIDATION_FAILED');
    admin(`terminal name with NUL #${i + 1}`, 'POST', '/terminals', { canteenId: ctx.canteenId, code: unique('T'), name: payload }, 400, 'VALIDATION_FAILED');
    admin(`region name with NUL #${i + 1}`, 'POST', '/regions', { code: townshipCode(), name: payload, level: 'township', parentCode: '330802' }, 400, 'VALIDATION_FAILED');
    admin(`unit rename with NUL #${i + 1}`, 'PATCH', `/units/${ctx.unitId}`, { name: payload }, 400, 'VALIDATION_FAILED');
    cases.push({
      name: `void reason with NUL #${i + 1}`,
      category,
      request: { service: 'canteen', method: 'POST', path: `/meals/${ctx.voidableMealIds[ctx.voidableMealIds.length - 1] as string}/void`, as: 'admin', headers: { 'Idempotency-Key': `bad-${randomUUID()}` }, json: { reason: payload } },
      expect: { status: 400, code: 'VALIDATION_FAILED' },
    });
    cases.push({
      name: `meal-code revoke reason with NUL #${i + 1}`,
      category,
      request: { service: 'canteen', method: 'POST', path: `/canteens/${ctx.revokedCode.canteenId}/meal-codes/${ctx.revokedCode.version}/revoke`, as: 'admin', json: { reason: payload } },
      expect: { status: 400, code: 'VALIDATION_FAILED' },
    });
  });

  // risk imports: ids refused by line, free text published verbatim
  const claim = (over: Record<string, unknown>) => ({
    claimId: unique('claim'),
    dinerId: ctx.risk.dinerId,
    dinerUnitId: ctx.risk.unitA,
    tripStart: '2025-06-01',
    tripEnd: '2025-06-02',
    destinationRegionCode: '330802',
    days: 2,
    allowanceFen: 20000,
    status: 'submitted',
    ...over,
  });
  const reception = (over: Record<string, unknown>) => ({
    recordId: unique('rec'),
    hostUnitId: 'bad-input-host-unit',
    guestUnitIds: ['bad-input-guest-unit'],
    date: '2025-06-03',
    headcount: 2,
    amountFen: 10000,
    officialLetterRef: null,
    place: '会议室',
    ...over,
  });
  const riskImport = (name: string, path: string, json: unknown, expected: { accepted: number; rejectedField?: string; literal?: string }): void => {
    cases.push({
      name,
      category,
      request: { service: 'risk', method: 'POST', path, as: 'riskFinance', json },
      expect: { status: 200 },
      rows: expected.accepted ? acceptedRows(expected.accepted) : {},
      check: importAnswer(expected),
    });
  };
  hostile.forEach((payload, i) => {
    riskImport(`claim id #${i + 1}: ${payload}`, '/imports/allowance-claims', [claim({ claimId: payload })], { accepted: 0, rejectedField: 'claimId' });
    riskImport(`claim diner id #${i + 1}: ${payload}`, '/imports/allowance-claims', [claim({ dinerId: payload })], { accepted: 0, rejectedField: 'dinerId' });
    riskImport(`claim status #${i + 1}: ${payload}`, '/imports/allowance-claims', [claim({ status: payload })], { accepted: 0, rejectedField: 'status' });
    riskImport(`claim destination #${i + 1}: ${payload}`, '/imports/allowance-claims', [claim({ destinationRegionCode: payload })], { accepted: 0, rejectedField: 'destinationRegionCode' });
    riskImport(`reception host unit #${i + 1}: ${payload}`, '/imports/reception-records', [reception({ hostUnitId: payload })], { accepted: 0, rejectedField: 'hostUnitId' });
    riskImport(`reception guest unit #${i + 1}: ${payload}`, '/imports/reception-records', [reception({ guestUnitIds: [payload] })], { accepted: 0, rejectedField: 'guestUnitIds' });
    riskImport(`reception date #${i + 1}: ${payload}`, '/imports/reception-records', [reception({ date: payload })], { accepted: 0, rejectedField: 'date' });
  });
  storable.forEach((payload, i) => {
    riskImport(`reception place #${i + 1} published verbatim: ${payload}`, '/imports/reception-records', [reception({ place: payload })], { accepted: 1, literal: payload });
    riskImport(`reception letter ref #${i + 1} published verbatim: ${payload}`, '/imports/reception-records', [reception({ officialLetterRef: payload })], { accepted: 1, literal: payload });
  });
  const csvHeader = 'recordId,hostUnitId,guestUnitIds,date,headcount,amountFen,officialLetterRef,place';
  const csvQuote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  storable.slice(0, 4).forEach((payload, i) => {
    cases.push({
      name: `CSV reception place #${i + 1} published verbatim: ${payload}`,
      category,
      request: { service: 'risk', method: 'POST', path: '/imports/reception-records', as: 'riskFinance', contentType: 'text/csv', raw: `${csvHeader}\r\n${unique('rec')},host-u,guest-u,2025-06-04,2,1000,,${csvQuote(payload)}\r\n` },
      expect: { status: 200 },
      rows: acceptedRows(1),
      check: importAnswer({ accepted: 1, literal: payload }),
    });
    cases.push({
      name: `CSV reception id #${i + 1}: ${payload}`,
      category,
      request: { service: 'risk', method: 'POST', path: '/imports/reception-records', as: 'riskFinance', contentType: 'text/csv', raw: `${csvHeader}\r\n${csvQuote(payload)},host-u,guest-u,2025-06-04,2,1000,,place\r\n` },
      expect: { status: 200 },
      // CSV lines count the header: the first data row is line 2
      check: importAnswer({ accepted: 0, rejectedField: 'recordId', line: 2 }),
    });
  });
  unstorable.forEach((payload, i) => {
    cases.push({
      name: `reception place with NUL #${i + 1}`,
      category,
      request: { service: 'risk', method: 'POST', path: '/imports/reception-records', as: 'riskFinance', json: [reception({ place: payload })] },
      expect: { status: 400, code: 'VALIDATION_FAILED' },
    });
    cases.push({
      name: `CSV reception place with NUL #${i + 1}`,
      category,
      request: { service: 'risk', method: 'POST', path: '/imports/reception-records', as: 'riskFinance', contentType: 'text/csv', raw: `${csvHeader}\r\n${unique('rec')},host-u,guest-u,2025-06-04,2,1000,,${payload}\r\n` },
      expect: { status: 400, code: 'VALIDATION_FAILED' },
    });
  });
  cases.push({
    name: 'model key path parameter that is SQL',
    category,
    request: { service: 'risk', method: 'GET', path: `/models/${encodeURIComponent("x' OR '1'='1")}`, as: 'riskAdmin' },
    expect: { status: 404 },
  });
  return cases;
}
