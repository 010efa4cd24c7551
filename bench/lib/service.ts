import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux x86_64

export interface ServiceHandle {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  logFile: string;
  /** Date.now() when the process was spawned (a --cpu-prof profile starts about then). */
  startedAt: number;
  stop(): Promise<void>;
}

/** Starts `node <entry>` with the given environment, logs to logFile, resolves once GET /health/live answers 200. */
export async function startService(entry: string, env: Record<string, string>, port: number, logFile: string, nodeArgs: string[] = []): Promise<ServiceHandle> {
  const log = createWriteStream(logFile, { flags: 'w' });
  const startedAt = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`the service exited with code ${exited} during startup; see ${logFile}`);
    try {
      const res = await fetch(`${baseUrl}/health/live`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service did not become live within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    pid: child.pid!,
    baseUrl,
    logFile,
    startedAt,
    stop: async () => {
      if (exited !== undefined) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** CPU seconds (user+system) and RSS (MiB) of one process, from /proc. */
export function processStat(pid: number): { cpuSeconds: number; rssMiB: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssMiB: (rssPages * 4096) / 1024 / 1024 };
  } catch {
    return undefined;
  }
}

/** The processes in /proc that `match` accepts; a process that ends while it is being read is skipped. */
function pidsWhere(match: (pid: number) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (match(Number(entry))) pids.push(Number(entry));
    } catch {
      /* ended */
    }
  }
  return pids;
}

const isPostgres = (pid: number): boolean => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function sumOf(pids: number[]): { cpuSeconds: number; rssMiB: number; processes: number } {
  let cpuSeconds = 0;
  let rssMiB = 0;
  let processes = 0;
  for (const pid of pids) {
    const s = processStat(pid);
    if (!s) continue;
    cpuSeconds += s.cpuSeconds;
    rssMiB += s.rssMiB;
    processes += 1;
  }
  return { cpuSeconds, rssMiB, processes };
}

/**
 * A service process and its children (the workers of a CANTEEN_WORKERS cluster), summed: CPU and RSS. A worker
 * replaced mid-window is missed.
 */
export function serviceTreeStat(pid: number): { cpuSeconds: number; rssMiB: number; processes: number } | undefined {
  if (!processStat(pid)) return undefined;
  return sumOf([pid, ...pidsWhere((child) => parentOf(child) === pid)]);
}

/** Sum over every process named `postgres` (the server and its backends). Backends that exit mid-run are missed. */
export function postgresStat(): { cpuSeconds: number; rssMiB: number; processes: number } {
  return sumOf(pidsWhere(isPostgres));
}

/**
 * Samples every `postgres` process every 250 ms and sums the CPU each used since it was first seen (a process first
 * seen mid-window counts from its start), so backends that come and go (pgbench) are counted up to their last sample.
 */
export function startPostgresSampler(): () => { cpuSeconds: number; maxRssMiB: number } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let maxRssMiB = 0;
  const sample = (initial: boolean): void => {
    let rss = 0;
    for (const pid of pidsWhere(isPostgres)) {
      const s = processStat(pid);
      if (!s) continue;
      if (!first.has(pid)) first.set(pid, initial ? s.cpuSeconds : 0);
      last.set(pid, s.cpuSeconds);
      rss += s.rssMiB;
    }
    maxRssMiB = Math.max(maxRssMiB, rss);
  };
  sample(true);
  const timer = setInterval(() => sample(false), 250);
  return () => {
    clearInterval(timer);
    sample(false);
    let cpuSeconds = 0;
    for (const [pid, end] of last) cpuSeconds += end - (first.get(pid) ?? 0);
    return { cpuSeconds, maxRssMiB };
  };
}

/** Total machine CPU (all cores) busy/total jiffies from /proc/stat. */
export function machineStat(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export interface CpuWindow {
  /** Cores' worth of CPU used over the window (1.0 = one full core). */
  serviceCores: number;
  serviceRssMiB: number;
  postgresCores: number;
  postgresRssMiB: number;
  loadGeneratorCores: number;
  machineBusyPercent: number;
  /** Cores used by everything else on the machine (other sessions' tests, the broker…): the noise. */
  otherCores: number;
}

/** Snapshot now; call the returned function at the end of the window for the averages. */
export function startCpuWindow(servicePid: number): () => CpuWindow {
  const t0 = process.hrtime.bigint();
  const s0 = serviceTreeStat(servicePid);
  const pg = startPostgresSampler();
  const m0 = machineStat();
  const l0 = process.cpuUsage();
  return () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const s1 = serviceTreeStat(servicePid);
    const p = pg();
    const p1 = { cpuSeconds: p.cpuSeconds, rssMiB: p.maxRssMiB };
    const p0 = { cpuSeconds: 0 };
    const m1 = machineStat();
    const l1 = process.cpuUsage(l0);
    const machineCores = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * cpus().length;
    const own = ((s1?.cpuSeconds ?? 0) - (s0?.cpuSeconds ?? 0) + (p1.cpuSeconds - p0.cpuSeconds)) / seconds + (l1.user + l1.system) / 1e6 / seconds;
    return {
      otherCores: round(Math.max(0, machineCores - own)),
      serviceCores: round(((s1?.cpuSeconds ?? 0) - (s0?.cpuSeconds ?? 0)) / seconds),
      serviceRssMiB: round(s1?.rssMiB ?? 0, 0),
      postgresCores: round((p1.cpuSeconds - p0.cpuSeconds) / seconds),
      postgresRssMiB: round(p1.rssMiB, 0),
      loadGeneratorCores: round((l1.user + l1.system) / 1e6 / seconds),
      machineBusyPercent: round((100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total), 1),
    };
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
