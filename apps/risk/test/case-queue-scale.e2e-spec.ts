import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { CaseFilter, CaseRepository } from '../src/cases/case.repository';

jest.setTimeout(300_000);

const CASES = 200_000;
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The queue on a year of cases (200,000, about 550 a day, 7 counties, 6 models, 80 % closed): every common filter and
 * sort of the console answers a page plus its total quickly, using the migration's indexes.
 * Prints the median per query (`npx jest apps/risk/test/case-queue-scale`).
 */
describe('case queue at the scale of a year of cases (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let cases: CaseRepository;
  const assignee = '00000000-0000-4000-8000-000000000007';

  beforeAll(async () => {
    db = await createTestDatabase('casescale');
    ds = await new DataSource({ type: 'postgres', url: db.url, entities: [] }).initialize();
    cases = new CaseRepository(ds);
    await ds.query(
      `INSERT INTO risk_cases (model_key, subject_type, subject_id, subject_name, region_code, status, severity, assignee_id, warning_count,
         first_warning_at, last_warning_at, created_at, updated_at, assigned_at, closed_at, resolution)
       SELECT (ARRAY['two-meals-one-slot','duplicate-subsidy','proxy-or-fake-scan','same-city-reception','mutual-treating','unusual-flow'])[1 + i % 6],
              'diner', 'subject-' || i, '对象' || i,
              (ARRAY['330802','330803','330822','330824','330825','330881','330802001'])[1 + (i / 7) % 7],
              s.status, (ARRAY['low','medium','high','critical'])[1 + (i / 3) % 4],
              CASE WHEN s.status = 'new' THEN NULL ELSE ('00000000-0000-4000-8000-0000000000' || lpad((i % 20)::text, 2, '0'))::uuid END,
              1 + i % 5, t, t + interval '1 hour', t, t, CASE WHEN s.status = 'new' THEN NULL ELSE t END,
              CASE WHEN s.status = 'closed' THEN t + interval '3 days' END,
              CASE WHEN s.status = 'closed' THEN (ARRAY['confirmed','dismissed','inconclusive'])[1 + i % 3] END
         FROM generate_series(1, ${CASES}) i,
              LATERAL (SELECT timestamptz '2025-01-01' + (i * interval '157 seconds') AS t) tt,
              LATERAL (SELECT CASE WHEN i % 10 < 8 THEN 'closed' WHEN i % 10 = 8 THEN 'new' ELSE (ARRAY['assigned','investigating'])[1 + i % 2] END AS status) s`,
    );
    await ds.query(`ANALYZE risk_cases`);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const QUERIES: [string, CaseFilter][] = [
    ['city lead, open cases, newest first', { jurisdictionPrefix: '3308', status: 'open' }],
    ['county inspector, everything, newest first', { jurisdictionPrefix: '330803' }],
    ['county inspector, new, by severity', { jurisdictionPrefix: '330803', status: 'new', sort: 'severity' }],
    ['county inspector, one model, March', { jurisdictionPrefix: '330822', model: 'duplicate-subsidy', from: '2025-03-01', to: '2025-03-31' }],
    ['city lead, one assignee', { jurisdictionPrefix: '3308', assignee }],
    ['admin, closed confirmed, oldest first', { status: 'closed', resolution: 'confirmed', order: 'asc' }],
    ['county inspector, township region, critical', { jurisdictionPrefix: '330802', regionPrefix: '330802001', severity: 'critical' }],
  ];

  it('answers each page of 50 with its total in well under a second (median of 7)', async () => {
    const figures: Record<string, number> = {};
    for (const [name, filter] of QUERIES) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < RUNS; i += 1) {
        const started = process.hrtime.bigint();
        const page = await cases.list(filter, 50, 50);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        total = page.total;
        expect(page.items.length).toBeLessThanOrEqual(50);
      }
      expect(total).toBeGreaterThan(0);
      figures[name] = Math.round(median(times) * 10) / 10;
    }
    // eslint-disable-next-line no-console
    console.log(`case queue on ${CASES} cases, median ms per page + total:\n${JSON.stringify(figures, null, 2)}`);
    for (const ms of Object.values(figures)) expect(ms).toBeLessThan(500);
  });

  it('take-next on the partial index does not scan the year', async () => {
    const plan = (await ds.query(
      `EXPLAIN (FORMAT JSON) SELECT id FROM risk_cases WHERE status = 'new' AND region_code LIKE '330803' || '%' ORDER BY severity_rank DESC, first_warning_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
    )) as { 'QUERY PLAN': unknown }[];
    expect(JSON.stringify(plan)).toContain('ix_risk_cases_take_next');
  });
});
