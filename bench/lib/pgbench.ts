import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REPOSITORY_FILE = 'apps/canteen/src/scanning/meal.repository.ts';

/** Reads the SQL the service runs per scan out of the scanning repository (the exported insert statements and the diner read). */
export function loadScanStatements(repoRoot: string): { insert: string; groupInsert: string; groupDinerRead: string } {
  const source = readFileSync(join(repoRoot, REPOSITORY_FILE), 'utf8');
  const groupInsertMatch = /export const SCAN_BATCH_INSERT_SQL = `([\s\S]*?)`;/.exec(source);
  if (!groupInsertMatch) throw new Error(`SCAN_BATCH_INSERT_SQL not found in ${REPOSITORY_FILE}: the group scan statement moved; update bench/lib/pgbench.ts`);
  const groupDinerMatch = /'scan_diners_v\d+',\s*`([\s\S]*?)`/.exec(source);
  if (!groupDinerMatch) throw new Error(`the group diner read (scan_diners_v*) was not found in ${REPOSITORY_FILE}; update bench/lib/pgbench.ts`);
  const insertMatch = /export const SCAN_INSERT_SQL = `([\s\S]*?)`;/.exec(source);
  if (!insertMatch) throw new Error(`SCAN_INSERT_SQL not found in ${REPOSITORY_FILE}: the scan transaction moved; update bench/lib/pgbench.ts`);
  return { insert: insertMatch[1]!, groupInsert: groupInsertMatch[1]!, groupDinerRead: groupDinerMatch[1]! };
}

/**
 * pgbench expressions for the scan statement's parameters, in the repository's order ($1..$24). Values that the
 * service computes in Node are given here as per-transaction expressions (so nothing is constant-folded at PREPARE),
 * from pgbench variables: :n diner number, :c canteen number, :d day offset, :k random key, and :unit_id from the
 * \gset of the diner read.
 */
function insertParameters(envelopeTemplate: string): string[] {
  const envelope = envelopeTemplate.replace(/'/g, "''");
  return [
    'gen_random_uuid()', // $1 meal id
    `('00000000-0000-4000-8000-' || lpad(to_hex(:n::int), 12, '0'))::uuid`, // $2 diner (same as the read)
    ':unit_id', // $3 diner unit, from the diner read
    '(SELECT id FROM bench_canteens WHERE n = :c::int)', // $4 canteen (spread over all canteens like the HTTP load)
    '(SELECT owner_unit_id FROM bench_canteens WHERE n = :c::int)', // $5 owner unit
    'current_date + :d::int', // $6 meal date: a random day, so (diner, day, slot) never collides
    "'lunch'", // $7
    '2000', // $8 price
    "'unit'", // $9 payer
    'true', // $10 visitor
    "'official'", // $11
    'now()', // $12 scanned at
    '28.9701', // $13
    '118.8593', // $14
    '10', // $15 accuracy
    '12.5', // $16 distance
    'true', // $17 within
    '1', // $18 code version
    "'pgbench-' || :k", // $19 idempotency key
    "md5(:k::text) || md5(:n::text)", // $20 request hash (64 hex chars like a sha256)
    'gen_random_uuid()', // $21 event id
    "'meal.scanned'", // $22 topic (as text; the value does not change the cost)
    "('00000000-0000-4000-8000-' || lpad(to_hex(:n::int), 12, '0'))", // $23 aggregate id
    `replace('${envelope}', '@K@', lpad(:k::text, 12, '0'))`, // $24 envelope JSON (cast to jsonb by the statement), parsed per execution
  ];
}

/** Substitutes $n (highest first so $1 does not eat $12). */
function substitute(sql: string, values: string[]): string {
  let out = sql;
  for (let i = values.length; i >= 1; i -= 1) out = out.split(`$${i}`).join(values[i - 1]!);
  if (/\$\d/.test(out)) throw new Error(`the scan statement has more parameters than the bench knows (${values.length}); update bench/lib/pgbench.ts`);
  return out;
}

/**
 * One parameter expression for a group of `size` scans: the single-scan expression evaluated for each member g
 * (0..size-1) and collected into an array in g order. Member g is diner :n + g (consecutive, so the diners' uuids
 * sort in g order), canteen :c + g, day :d + g, key :k·1000 + g, and its unit is element g+1 of :unit_ids (the
 * \gset of the group diner read).
 */
function groupParameter(single: string, size: number, canteens: number): string {
  const member = single
    .split(':unit_id').join('(:unit_ids::uuid[])[g + 1]')
    .split(':n::int').join('(:n::int + g)')
    .split(':c::int').join(`(((:c::int + g - 1) % ${canteens}) + 1)`)
    .split(':d::int').join('((:d::int + g) % 3650)')
    .split(':k::text').join('§K§')
    .split(':k').join('§K§')
    .split('§K§').join('((:k::bigint * 1000 + g)::text)');
  return `ARRAY(SELECT ${member} FROM generate_series(0, ${size - 1}) AS g ORDER BY g)`;
}

/**
 * Writes the pgbench script: the repository's per-scan SQL with the parameters replaced by expressions. Group size
 * 1: the diner read (\gset) and the one-statement scan transaction (SCAN_INSERT_SQL, meal + outbox row). Group
 * size N > 1 (what the service's group commit achieved under the load): one transaction is N scans, as the
 * service writes them — the group diner read (scan_diners_v*, wrapped to \gset the units in order) and
 * SCAN_BATCH_INSERT_SQL with N rows; scans/s of the raw SQL is then tps × N.
 */
export function writeScanScript(
  repoRoot: string,
  path: string,
  opts: { diners: number; canteens: number; envelopeTemplate: string; groupSize?: number },
): void {
  const { insert, groupInsert, groupDinerRead } = loadScanStatements(repoRoot);
  const size = Math.max(1, Math.round(opts.groupSize ?? 1));
  const dinerUuid = (n: string): string => `('00000000-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
  const header = [
    '-- GENERATED by bench/scan-bench.ts from apps/canteen/src/scanning/meal.repository.ts: the per-scan SQL of POST /scans',
    `-- with its parameters as pgbench expressions; ${size === 1 ? 'one scan per transaction (SCAN_INSERT_SQL and the scan_diner read)' : `${size} scans per transaction, as the service's group commit writes them (SCAN_BATCH_INSERT_SQL and the scan_diners read)`}.`,
    '-- The canteen, meal code and pass key reads are cached by the service (SCAN_CACHE_TTL_MS) and are not per scan.',
    '-- Run: pgbench -n -M prepared -f bench/scan-transaction.sql -c <pool> -j 2 -T 15 <db>',
  ];
  let lines: string[];
  if (size === 1) {
    const paramCount = Math.max(...[...insert.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    if (paramCount !== 24) throw new Error(`SCAN_INSERT_SQL has ${paramCount} parameters, the bench maps 24; update bench/lib/pgbench.ts`);
    const read = `SELECT r.unit_id FROM (${groupDinerRead.replace('$1::uuid[]', `ARRAY[${dinerUuid(':n::int')}]`)}) r`.replace(/\s+/g, ' ').trim();
    const statement = substitute(insert, insertParameters(opts.envelopeTemplate)).replace(/\s+/g, ' ').trim();
    lines = [`\\set n random(1, ${opts.diners})`, `${read} \\gset`, `${statement};`];
  } else {
    const paramCount = Math.max(...[...groupInsert.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    if (paramCount !== 24) throw new Error(`SCAN_BATCH_INSERT_SQL has ${paramCount} parameters, the bench maps 24; update bench/lib/pgbench.ts`);
    const ids = `ARRAY(SELECT ${dinerUuid('(:n::int + g)')} FROM generate_series(0, ${size - 1}) AS g ORDER BY g)`;
    const read = `SELECT array_agg(r.unit_id ORDER BY r.id)::text AS unit_ids FROM (${groupDinerRead.replace('$1::uuid[]', ids)}) r`.replace(/\s+/g, ' ').trim();
    const statement = substitute(groupInsert, insertParameters(opts.envelopeTemplate).map((p) => groupParameter(p, size, opts.canteens))).replace(/\s+/g, ' ').trim();
    lines = [`\\set n random(1, ${Math.max(1, opts.diners - size)})`, `${read} \\gset`, `${statement};`];
  }
  const script = [
    ...header,
    lines[0]!,
    `\\set c random(1, ${opts.canteens})`,
    '\\set d random(0, 3649)',
    '\\set k random(1, 2000000)',
    ...lines.slice(1),
    '',
  ].join('\n');
  writeFileSync(path, script);
}

export interface PgbenchResult {
  tps: number;
  transactions: number;
  latencyMsAvg: number;
  failed: number;
  output: string;
}

export function findPgbench(): string {
  for (const candidate of ['/usr/bin/pgbench', '/usr/lib/postgresql/15/bin/pgbench']) if (existsSync(candidate)) return candidate;
  return 'pgbench';
}

export function runPgbench(args: { url: string; script: string; clients: number; threads: number; seconds: number }): Promise<PgbenchResult> {
  const u = new URL(args.url);
  const argv = [
    '-n',
    '-M',
    'prepared',
    '-f',
    args.script,
    '-c',
    String(args.clients),
    '-j',
    String(args.threads),
    '-T',
    String(args.seconds),
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username) || 'root',
    decodeURIComponent(u.pathname.slice(1)),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(findPgbench(), argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
      if (code !== 0 || !tps) return reject(new Error(`pgbench exited ${code}:\n${output}`));
      // a client whose \gset found no diner aborts and silently lowers the tps: refuse such a run
      if (/aborted in command/.test(output)) return reject(new Error(`pgbench clients aborted (is --diners larger than the bench diners in the database?):\n${output.slice(0, 2000)}`));
      resolve({
        tps: Number(tps[1]),
        transactions: Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1] ?? 0),
        latencyMsAvg: Number(/latency average = ([\d.]+) ms/.exec(output)?.[1] ?? 0),
        failed: Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0),
        output,
      });
    });
  });
}
