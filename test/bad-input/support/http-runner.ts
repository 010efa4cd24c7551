import { DataSource } from 'typeorm';
import { CaseDatabases, Caller, HttpCase, HttpRequestSpec, RowChanges, ServiceName } from '../corpus/corpus.types';

/** Row counts of every table of a database (one statement), so "nothing stored half-way" covers tables added later too. */
export async function tableCounts(dataSource: DataSource): Promise<Map<string, number>> {
  const tables = (await dataSource.query(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )) as { name: string }[];
  if (tables.length === 0) return new Map();
  const sql = tables.map((t) => `SELECT '${t.name}' AS name, count(*)::int AS n FROM "${t.name}"`).join(' UNION ALL ');
  const rows = (await dataSource.query(sql)) as { name: string; n: number }[];
  return new Map(rows.map((r) => [r.name, r.n]));
}

/** Tables whose count moved other than `allowed` says, as readable text. */
export function unexpectedChanges(before: Map<string, number>, after: Map<string, number>, allowed: RowChanges = {}): string[] {
  const problems: string[] = [];
  for (const [table, n] of after) {
    const delta = n - (before.get(table) ?? 0);
    const expected = allowed[table] ?? 0;
    if (delta !== expected) problems.push(`${table} ${delta >= 0 ? '+' : ''}${delta} rows (expected ${expected >= 0 ? '+' : ''}${expected})`);
  }
  return problems;
}

export interface ServiceTarget {
  baseUrl: string;
  dataSource: DataSource;
}

export interface HttpRunnerEnvironment {
  services: Record<ServiceName, ServiceTarget>;
  tokens: Partial<Record<Caller, string>>;
  databases: CaseDatabases;
  /** Waits until a service's asynchronous work (outbox relay → Kafka → consumer) is done, before each count. */
  settle?: Partial<Record<ServiceName, () => Promise<void>>>;
}

export interface Answer {
  status: number;
  body: unknown;
  text: string;
}

export async function send(env: HttpRunnerEnvironment, request: HttpRequestSpec): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  const token = request.as && request.as !== 'none' ? env.tokens[request.as] : undefined;
  if (request.as && request.as !== 'none' && !token) throw new Error(`no token for caller ${request.as}`);
  if (request.authorization !== undefined) headers.Authorization = request.authorization;
  else if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | ArrayBuffer | undefined;
  if (request.json !== undefined) {
    headers['Content-Type'] = request.contentType ?? 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.raw !== undefined) {
    if (request.contentType) headers['Content-Type'] = request.contentType;
    body = typeof request.raw === 'string' ? request.raw : Uint8Array.from(request.raw).buffer;
  }
  const response = await fetch(`${env.services[request.service].baseUrl}${request.path}`, { method: request.method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, text };
}

function codeOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string' ? (body as { code: string }).code : undefined;
}

/**
 * Sends one case and returns its problems (empty when it behaved): the status and error code, a 5xx never, every
 * 4xx with `{ statusCode, code }`, the row counts of every table of the service's database unchanged except for the
 * case's declared `rows`, and the case's own check.
 */
export async function runHttpCase(env: HttpRunnerEnvironment, c: HttpCase): Promise<string[]> {
  const label = `[${c.category}] ${c.name}`;
  const target = env.services[c.request.service];
  const settle = env.settle?.[c.request.service];
  await settle?.();
  const before = await tableCounts(target.dataSource);
  let answer: Answer;
  try {
    answer = await send(env, c.request);
  } catch (error) {
    return [`${label}: request failed: ${error instanceof Error ? error.message : String(error)}`];
  }
  const problems: string[] = [];
  const code = codeOf(answer.body);
  const said = `${answer.status}${code ? ` ${code}` : ''} ${answer.text.slice(0, 300)}`;
  if (answer.status !== c.expect.status || (c.expect.code !== undefined && code !== c.expect.code)) {
    problems.push(`expected ${c.expect.status}${c.expect.code ? ` ${c.expect.code}` : ''}, got ${said}`);
  }
  if (answer.status >= 500) problems.push(`server error ${said}`);
  if (answer.status >= 400 && answer.status < 500) {
    const statusCode = (answer.body as { statusCode?: unknown } | null)?.statusCode;
    if (!code || statusCode !== answer.status) problems.push(`4xx without an error body { statusCode, code }: ${said}`);
  }
  await settle?.();
  const after = await tableCounts(target.dataSource);
  for (const change of unexpectedChanges(before, after, c.rows)) problems.push(`stored: ${change}`);
  if (c.check) {
    const extra = await c.check({ status: answer.status, body: answer.body }, env.databases);
    if (extra) problems.push(extra);
  }
  return problems.map((p) => `${label}: ${p}`);
}

/** Per-category counts of the cases tried, printed at the end. */
export class CorpusTally {
  private readonly counts = new Map<string, number>();

  add(category: string, n = 1): void {
    this.counts.set(category, (this.counts.get(category) ?? 0) + n);
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  report(): string {
    const lines = [...this.counts.entries()].map(([category, n]) => `  ${category.padEnd(20)} ${String(n).padStart(4)}`);
    return ['bad-input corpus: cases tried per category', ...lines, `  ${'total'.padEnd(20)} ${String(this.total).padStart(4)}`].join('\n');
  }
}

/** Runs a list of cases in order, tallies them, returns every problem (the jest assertion prints them all). */
export async function runHttpCases(env: HttpRunnerEnvironment, cases: readonly HttpCase[], tally: CorpusTally): Promise<string[]> {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) problems.push(`[${c.category}] ${c.name}: duplicate case name`);
    names.add(c.name);
    problems.push(...(await runHttpCase(env, c)));
    tally.add(c.category);
  }
  return problems;
}
