import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Caller, HttpCase, ServiceName } from './corpus.types';
import { nestedArrayJson, nestedObjectJson } from '../support/forge';

export interface BodyCorpusContext {
  /** HTTP_BODY_LIMIT_BYTES of each service (from its AppConfig). */
  bodyLimitBytes: Record<ServiceName, number>;
  /** A scan body that would be accepted (a valid code, at the canteen) — the hostile variants wrap or break it. */
  validScan: { code: string; latitude: number; longitude: number };
}

const category = 'bodies' as const;

interface Target {
  label: string;
  service: ServiceName;
  path: string;
  as: Caller;
  headers?: Record<string, string>;
}

/**
 * Oversized and deeply nested bodies, wrong content types and encodings, invalid JSON: a 4xx with a code (413
 * BODY_TOO_LARGE, 400 MALFORMED_JSON / BODY_TOO_DEEP / VALIDATION_FAILED, 415 UNSUPPORTED_ENCODING, 400
 * IMPORT_BODY_INVALID) and nothing stored, on the scan route, an admin write, the terminal and the risk imports.
 */
export function bodyCases(ctx: BodyCorpusContext): HttpCase[] {
  const scanTarget = (): Target => ({ label: 'POST /scans', service: 'canteen', path: '/scans', as: 'freshDiner', headers: { 'Idempotency-Key': `bad-${randomUUID()}` } });
  const targets = (): Target[] => [
    scanTarget(),
    { label: 'POST /units', service: 'canteen', path: '/units', as: 'admin' },
    { label: 'POST /terminal/verifications', service: 'canteen', path: '/terminal/verifications', as: 'terminal' },
    { label: 'POST /auth/dev-login', service: 'canteen', path: '/auth/dev-login', as: 'none' },
    { label: 'POST /imports/allowance-claims', service: 'risk', path: '/imports/allowance-claims', as: 'riskFinance' },
  ];
  const raw = (name: string, t: Target, body: string | Buffer | undefined, contentType: string | undefined, status: number, code: string, headers: Record<string, string> = {}): HttpCase => ({
    name: `${t.label}: ${name}`,
    category,
    request: { service: t.service, method: 'POST', path: t.path, as: t.as, headers: { ...t.headers, ...headers }, ...(body === undefined ? {} : { raw: body }), contentType },
    expect: { status, code },
  });
  const json = 'application/json';
  const cases: HttpCase[] = [];
  const validScanText = JSON.stringify(ctx.validScan);

  for (const t of targets()) {
    const limit = ctx.bodyLimitBytes[t.service];
    const isImport = t.service === 'risk';
    const padded = (size: number): string => {
      const base = isImport ? '[{"claimId":"' : '{"code":"';
      const tail = isImport ? '"}]' : '"}';
      return `${base}${'x'.repeat(Math.max(0, size - base.length - tail.length))}${tail}`;
    };
    // oversized
    cases.push(raw(`JSON one byte over HTTP_BODY_LIMIT_BYTES (${limit + 1} bytes)`, t, padded(limit + 1), json, 413, 'BODY_TOO_LARGE'));
    cases.push(raw(`JSON four times the limit`, t, padded(limit * 4), json, 413, 'BODY_TOO_LARGE'));
    cases.push(raw(`gzip bomb (small on the wire, over the limit inflated)`, t, gzipSync(Buffer.from(padded(limit * 8))), json, 413, 'BODY_TOO_LARGE', { 'Content-Encoding': 'gzip' }));
    // deeply nested
    const deepField = isImport ? `[{"claimId":${nestedArrayJson(100_000)}}]` : `{"code":${nestedArrayJson(100_000)},"latitude":28.97,"longitude":118.86}`;
    cases.push(raw('array nested 100,000 deep in a field', t, deepField, json, 400, 'BODY_TOO_DEEP'));
    const deepObject = isImport ? `[${nestedObjectJson(100_000)}]` : `{"code":"x","latitude":28.97,"longitude":118.86,"extra":${nestedObjectJson(100_000)}}`;
    cases.push(raw('object nested 100,000 deep in an unknown field', t, deepObject, json, 400, 'BODY_TOO_DEEP'));
    cases.push(raw('body that is only nesting (200,000 deep)', t, nestedArrayJson(200_000), json, 400, 'BODY_TOO_DEEP'));
    const shallowCode = isImport ? 'IMPORT_BODY_INVALID' : 'VALIDATION_FAILED';
    if (!isImport) cases.push(raw('object nested 20 deep (under the limit) in an unknown field', t, `{"extra":${nestedObjectJson(20)}}`, json, 400, 'VALIDATION_FAILED'));
    cases.push(raw('object nested 33 deep (just over the limit)', t, isImport ? `[${nestedObjectJson(32)}]` : `{"extra":${nestedObjectJson(32)}}`, json, 400, 'BODY_TOO_DEEP'));
    cases.push(raw('NUL character in a property name', t, isImport ? '[{"claim\\u0000Id":"x"}]' : '{"co\\u0000de":"x"}', json, 400, 'VALIDATION_FAILED'));
    // invalid JSON
    for (const [name, text] of [
      ['truncated JSON', validScanText.slice(0, validScanText.length - 7)],
      ['single quotes', "{'code': 'x'}"],
      ['trailing comma', '{"code": "x",}'],
      ['NaN', '{"latitude": NaN}'],
      ['comment inside', '{"code": "x" /* hi */}'],
      ['top-level string', '"just a string"'],
      ['top-level null', 'null'],
      ['top-level number', '12345'],
      ['unquoted key', '{code: "x"}'],
      ['lone surrogate escape garbage', '{"code": "\\ud800\\u"}'],
    ] as const) {
      cases.push(raw(name, t, text, json, 400, 'MALFORMED_JSON'));
    }
    // wrong shapes and content types
    cases.push(raw('empty JSON body', t, '', json, 400, isImport ? 'IMPORT_BODY_INVALID' : 'VALIDATION_FAILED'));
    cases.push(raw(isImport ? 'object instead of the array of rows' : 'array instead of an object', t, isImport ? validScanText : `[${validScanText}]`, json, 400, shallowCode));
    cases.push(raw('JSON sent as text/plain', t, isImport ? '[]' : validScanText, 'text/plain', 400, shallowCode));
    cases.push(raw('JSON sent as application/xml', t, isImport ? '[]' : validScanText, 'application/xml', 400, shallowCode));
    cases.push(raw('XML body', t, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'application/xml', 400, shallowCode));
    cases.push(raw('multipart form', t, '--b\r\nContent-Disposition: form-data; name="code"\r\n\r\nx\r\n--b--\r\n', 'multipart/form-data; boundary=b', 400, shallowCode));
    cases.push(raw('no Content-Type', t, isImport ? '[]' : validScanText, undefined, 400, shallowCode));
    cases.push(raw('unsupported charset', t, isImport ? '[]' : validScanText, 'application/json; charset=latin1', 415, 'UNSUPPORTED_ENCODING'));
    cases.push(raw('unknown Content-Encoding', t, isImport ? '[]' : validScanText, json, 415, 'UNSUPPORTED_ENCODING', { 'Content-Encoding': 'x-evil' }));
    cases.push(raw('gzip header, body not gzip', t, isImport ? '[]' : validScanText, json, 400, 'MALFORMED_BODY', { 'Content-Encoding': 'gzip' }));
  }

  // the scan route specifically: prototype tricks and odd numbers must not slip through
  const scan = scanTarget;
  cases.push(raw('__proto__ field', scan(), `{"__proto__":{"isAdmin":true},${validScanText.slice(1)}`, json, 400, 'VALIDATION_FAILED'));
  cases.push(raw('constructor.prototype field', scan(), `{"constructor":{"prototype":{"isAdmin":true}},${validScanText.slice(1)}`, json, 400, 'VALIDATION_FAILED'));
  cases.push(raw('__proto__ in a nested slot of a canteen', { label: 'POST /canteens', service: 'canteen', path: '/canteens', as: 'admin' }, '{"code":"C-PROTO","name":"x","slots":[{"__proto__":{"staffPriceFen":-1}}]}', json, 400, 'VALIDATION_FAILED'));
  cases.push(raw('__proto__ in an import row', { label: 'POST /imports/allowance-claims', service: 'risk', path: '/imports/allowance-claims', as: 'riskFinance' }, '[{"__proto__":{"status":"approved"}}]', json, 400, 'VALIDATION_FAILED'));
  cases.push(raw('latitude 1e999 (Infinity)', scan(), JSON.stringify({ ...ctx.validScan, latitude: 0 }).replace('"latitude":0', '"latitude":1e999'), json, 400, 'VALIDATION_FAILED'));
  cases.push(raw('form-encoded scan (numbers as strings)', scan(), new URLSearchParams({ code: ctx.validScan.code, latitude: String(ctx.validScan.latitude), longitude: String(ctx.validScan.longitude) }).toString(), 'application/x-www-form-urlencoded', 400, 'VALIDATION_FAILED'));
  cases.push(raw('unknown field next to a valid scan', scan(), JSON.stringify({ ...ctx.validScan, priceFen: 0 }), json, 400, 'VALIDATION_FAILED'));
  cases.push(raw('invalid UTF-8 bytes in the code', scan(), Buffer.concat([Buffer.from('{"code":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","latitude":28.97,"longitude":118.86}')]), json, 400, 'MEAL_CODE_MALFORMED'));
  cases.push(raw('rows over the import limit (10,001)', { label: 'POST /imports/allowance-claims', service: 'risk', path: '/imports/allowance-claims', as: 'riskFinance' }, JSON.stringify(Array.from({ length: 10_001 }, () => ({}))), json, 400, 'IMPORT_BODY_INVALID'));
  const csvLimit = ctx.bodyLimitBytes.risk * 50;
  cases.push(raw(`CSV over the text limit (${csvLimit + 1} bytes)`, { label: 'POST /imports/reception-records', service: 'risk', path: '/imports/reception-records', as: 'riskFinance' }, `recordId\n${'x'.repeat(csvLimit)}`, 'text/csv', 413, 'BODY_TOO_LARGE'));
  cases.push(raw('CSV with an unterminated quote', { label: 'POST /imports/reception-records', service: 'risk', path: '/imports/reception-records', as: 'riskFinance' }, 'recordId,hostUnitId,guestUnitIds,date,headcount,amountFen,officialLetterRef,place\n"unterminated,a,b,2025-01-01,1,1,,x\n', 'text/csv', 400, 'IMPORT_BODY_INVALID'));
  cases.push(raw('CSV of only a header with unknown columns', { label: 'POST /imports/reception-records', service: 'risk', path: '/imports/reception-records', as: 'riskFinance' }, "recordId,'; DROP TABLE outbox_events; --\n", 'text/csv', 400, 'IMPORT_BODY_INVALID'));
  return cases;
}
