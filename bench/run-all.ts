/**
 * One command for every benchmark (issue 7): runs the scan, settlement and risk benchmarks in turn (each writes its
 * own JSON to bench/results/), then writes bench/results/report.md and bench/results/report.json: one table of
 * every figure, its target, and the baseline it was measured against in the same run.
 *
 *   npm run bench                 # the full benchmarks (about 20 minutes on 2 cores)
 *   npm run bench -- --quick      # smaller runs of each, to check the harness (figures not comparable to targets)
 *   npm run bench -- --report     # only rebuild the report from the JSON files already in bench/results/
 *   npm run bench -- --only scan,risk
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..');
const RESULTS = join(REPO, 'bench/results');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const reportOnly = argv.includes('--report');
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : undefined;

interface Bench {
  name: 'scan' | 'settlement' | 'risk';
  script: string;
  full: string[];
  quick: string[];
  file: string;
}

const BENCHES: Bench[] = [
  { name: 'scan', script: 'bench:scan', full: ['--transport', 'embedded'], quick: ['--runs', '1', '--duration', '6', '--pgbench-runs', '1', '--pgbench-seconds', '5', '--low-rate', '0'], file: 'scan.json' },
  { name: 'settlement', script: 'bench:settlement', full: [], quick: ['--meals', '500000'], file: 'settlement.json' },
  { name: 'risk', script: 'bench:risk', full: [], quick: ['--quick'], file: 'risk.json' },
];

type Json = Record<string, unknown>;
interface Row {
  bench: string;
  figure: string;
  value: string;
  target: string;
  baseline: string;
  met: boolean | null;
}

function read(file: string): Json | undefined {
  const path = join(RESULTS, file);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Json) : undefined;
}
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const fmt = (v: unknown, digits = 0): string => {
  const n = num(v);
  return n === undefined ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
};
const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((acc, key) => (acc && typeof acc === 'object' ? (acc as Json)[key] : undefined), o);
const meets = (value: unknown, ok: (n: number) => boolean): boolean | null => (num(value) === undefined ? null : ok(num(value)!));

function scanRows(r: Json): Row[] {
  return [
    { bench: 'scan', figure: 'POST /scans throughput (scans/s, median of runs)', value: fmt(r.scansPerSecond), target: '≥ 3,000', baseline: `pgbench, same statement: ${fmt(r.rawSqlTps)} tps`, met: meets(r.scansPerSecond, (n) => n >= 3000) },
    { bench: 'scan', figure: 'ratio to raw SQL (median of back-to-back pairs)', value: fmt(r.ratioToRawSql, 3), target: '≥ 0.6', baseline: 'pgbench in the same run', met: meets(r.ratioToRawSql, (n) => n >= 0.6) },
    { bench: 'scan', figure: `p99 latency at ${fmt(at(r, 'latencyPaced', '0', 'rate'))}/s offered (ms)`, value: fmt(r.p99Ms, 1), target: '≤ 50', baseline: `evenly paced ${fmt(at(r, 'latencyPaced', '1', 'rate'))}/s: p99 ${fmt(at(r, 'latencyPaced', '1', 'p99Ms'), 1)} ms`, met: meets(r.p99Ms, (n) => n <= 50) },
    { bench: 'scan', figure: 'canteen service peak RSS under load (MiB)', value: fmt(at(r, 'service', 'peakRssMiB'), 1), target: '—', baseline: '—', met: null },
    { bench: 'scan', figure: 'CPU per scan: service / PostgreSQL (ms)', value: `${fmt(at(r, 'cpuPerScan', 'http', 'serviceMs'), 2)} / ${fmt(at(r, 'cpuPerScan', 'http', 'postgresMs'), 2)}`, target: '—', baseline: `pgbench PostgreSQL ${fmt(at(r, 'cpuPerScan', 'pgbenchPostgresMsPerTransaction'), 2)} ms/txn`, met: null },
  ];
}

function settlementRows(r: Json): Row[] {
  return [
    { bench: 'settlement', figure: `monthly close of ${fmt(r.meals)} meals, after the nightly day closes (s)`, value: fmt(r.seconds, 2), target: '≤ 60', baseline: `plain SQL aggregation: ${fmt(r.plainSqlSeconds, 2)} s`, met: meets(r.seconds, (n) => n <= 60) },
    { bench: 'settlement', figure: 'ratio to plain SQL aggregation', value: fmt(r.ratioToPlainSql, 2), target: '≤ 1.5', baseline: 'same meals, same run', met: meets(r.ratioToPlainSql, (n) => n <= 1.5) },
    { bench: 'settlement', figure: 'cold catch-up close (no day closed before): ratio to plain SQL', value: fmt(at(r, 'cold', 'ratioToPlainSql'), 2), target: '≤ 1.5', baseline: `${fmt(at(r, 'cold', 'seconds'), 2)} s vs plain ${fmt(at(r, 'cold', 'plainSqlSeconds'), 2)} s`, met: meets(at(r, 'cold', 'ratioToPlainSql'), (n) => n <= 1.5) },
    { bench: 'settlement', figure: 'one nightly day close, median (s)', value: fmt(at(r, 'nightly', 'dailyCloseSecondsMedian'), 2), target: '—', baseline: `${fmt(at(r, 'nightly', 'dayCloses'))} day closes`, met: null },
    { bench: 'settlement', figure: 'service peak RSS during the close (MB)', value: fmt(r.peakRssMb, 1), target: 'flat (streaming)', baseline: `before the close ${fmt(r.rssBeforeCloseMb, 1)} MB`, met: null },
  ];
}

function riskRows(r: Json): Row[] {
  const latency = r.latency as Json | undefined;
  return [
    { bench: 'risk', figure: `warning latency p99 at ${fmt(latency?.offeredPerSecond ?? 1000)} scans/s offered (ms)`, value: fmt(r.p99AlertLatencyMs), target: '≤ 1,000', baseline: `p50 ${fmt(latency?.p50Ms)} ms; live path alone ${fmt(at(r, 'history', 'liveEventsPerSecond'))} events/s`, met: meets(r.p99AlertLatencyMs, (n) => n <= 1000) },
    { bench: 'risk', figure: 'replay throughput (events/s)', value: fmt(r.replayEventsPerSecond), target: '≥ 20,000', baseline: `bare kafkajs consumer: ${fmt(r.bareConsumerEventsPerSecond)} events/s`, met: meets(r.replayEventsPerSecond, (n) => n >= 20000) },
    { bench: 'risk', figure: 'replay ratio to a bare kafkajs consumer', value: fmt(r.ratioToBareConsumer, 3), target: '≥ 0.5', baseline: 'same topics, same run', met: meets(r.ratioToBareConsumer, (n) => n >= 0.5) },
    { bench: 'risk', figure: `risk service peak RSS with ${fmt(r.diners)} diners (MB)`, value: fmt(r.peakRssMb), target: '≤ 512', baseline: `after the month: ${fmt(at(r, 'history', 'rssMbAfter'))} MB`, met: meets(r.peakRssMb, (n) => n <= 512) },
  ];
}

function crashRows(r: Json): Row[] {
  const rounds = (r.rounds as Json[] | undefined) ?? [];
  const byScenario = new Map<string, Json[]>();
  for (const round of rounds) byScenario.set(String(round.scenario), [...(byScenario.get(String(round.scenario)) ?? []), round]);
  return [...byScenario].map(([scenario, list]) => {
    const ok = list.filter((x) => x.ok === true).length;
    const scans = list.reduce((s, x) => s + Number(x.answered2xx ?? 0), 0);
    const retried = list.reduce((s, x) => s + Number(x.retriedScans ?? 0), 0);
    return { bench: 'crash', figure: `kill -9 ${scenario}: rounds passing every check`, value: `${ok} of ${list.length}`, target: 'all', baseline: `${scans} scans answered 2xx, ${retried} needed a retry`, met: ok === list.length };
  });
}

function simulationRows(r: Json): Row[] {
  const total = at(r, 'score', 'total') as Json | undefined;
  return [
    { bench: 'simulation', figure: `injected violations found (recall), ${fmt(at(r, 'counters', 'scansCreated'))} scans through HTTP`, value: fmt(total?.recall, 3), target: '1.0', baseline: `${fmt(total?.found)} of ${fmt(total?.injected)}`, met: meets(total?.recall, (n) => n >= 1) },
    { bench: 'simulation', figure: 'precision of the warnings', value: fmt(total?.precision, 3), target: '≥ 0.99', baseline: `${fmt(total?.falseWarnings)} false of ${fmt(total?.warnings)}`, met: meets(total?.precision, (n) => n >= 0.99) },
  ];
}

function writeReport(): void {
  const rows: Row[] = [];
  const sources: string[] = [];
  const add = (file: string, rowsOf: (r: Json) => Row[]): void => {
    const r = read(file);
    if (!r) return;
    rows.push(...rowsOf(r));
    sources.push(`- \`bench/results/${file}\`${r.measuredAt ?? r.generatedAt ? ` (measured ${String(r.measuredAt ?? r.generatedAt)})` : ''}${r.command ? `: \`${String(r.command)}\`` : ''}`);
  };
  add('scan.json', scanRows);
  add('settlement.json', settlementRows);
  add('risk.json', riskRows);
  add('crash.json', crashRows);
  add('simulation.json', simulationRows);
  const mark = (m: boolean | null): string => (m === null ? '' : m ? 'met' : '**not met**');
  const md = [
    '# Benchmark report',
    '',
    `Generated ${new Date().toISOString()} by \`npm run bench\`${quick ? ' (--quick: harness check, figures not comparable to the targets)' : ''}. Machine: 2 shared cores; every ratio compares two figures measured in the same run.`,
    '',
    '| Benchmark | Figure | Value | Target | Baseline (same run) | |',
    '|---|---|---:|---|---|---|',
    ...rows.map((r) => `| ${r.bench} | ${r.figure} | ${r.value} | ${r.target} | ${r.baseline} | ${mark(r.met)} |`),
    '',
    'Sources:',
    ...sources,
    '',
  ].join('\n');
  writeFileSync(join(RESULTS, 'report.md'), md);
  writeFileSync(join(RESULTS, 'report.json'), `${JSON.stringify({ generatedAt: new Date().toISOString(), quick, rows }, null, 2)}\n`);
  process.stdout.write(`\n${md}\nwritten to bench/results/report.md and report.json\n`);
}

function main(): void {
  const failed: string[] = [];
  if (!reportOnly) {
    for (const bench of BENCHES) {
      if (only && !only.includes(bench.name)) continue;
      const args = ['run', bench.script, '--', ...(quick ? bench.quick : bench.full)];
      process.stdout.write(`\n=== npm ${args.join(' ')}\n`);
      const result = spawnSync('npm', args, { cwd: REPO, stdio: 'inherit' });
      if (result.status !== 0) failed.push(`${bench.name} (exit ${result.status})`);
    }
  }
  writeReport();
  if (failed.length) {
    process.stdout.write(`benchmarks that failed to run: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main();
