import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServiceKeyFiles, createTestDatabase, TestDatabase } from '@meal/testing';

jest.setTimeout(180_000);

const REPO = resolve(__dirname, '../../..');

/** The canteen service's own entry point (main.ts), run the way production runs the built one, with CANTEEN_WORKERS. */
interface RunningService {
  primary: ChildProcess;
  baseUrl: string;
  log(): string;
  exit: Promise<number | null>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function startService(env: Record<string, string>, port: number): RunningService {
  const primary = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/canteen/src/main.ts'], {
    cwd: REPO,
    env: { ...process.env, ...env, CANTEEN_PORT: String(port), TS_NODE_PROJECT: join(REPO, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  primary.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  primary.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exit = new Promise<number | null>((done) => primary.once('exit', (code) => done(code)));
  return { primary, baseUrl: `http://127.0.0.1:${port}`, log: () => log, exit };
}

function workerPids(primary: ChildProcess): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(primary.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number).sort();
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function liveCount(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('http_request_duration_seconds_count{method="GET",route="/health/live",status="200"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A new connection per request (no keep-alive), so the cluster's round-robin spreads them over the workers. */
async function getLive(baseUrl: string): Promise<number> {
  const res = await fetch(`${baseUrl}/health/live`, { headers: { Connection: 'close' }, signal: AbortSignal.timeout(5_000) });
  await res.arrayBuffer();
  return res.status;
}

describe('canteen service with CANTEEN_WORKERS=2 (node:cluster, real PostgreSQL)', () => {
  let db: TestDatabase;
  let keyDir: string;
  let env: Record<string, string>;
  let service: RunningService | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('cluster');
    keyDir = mkdtempSync(join(tmpdir(), 'cluster-keys-'));
    env = {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '4',
      KAFKA_BROKERS: '',
      LOG_LEVEL: 'info',
      CANTEEN_WORKERS: '2',
      ...createServiceKeyFiles(keyDir),
    };
    service = startService(env, await freePort());
    await waitFor('the service to answer', async () => ((await getLive(service!.baseUrl)) === 200 ? true : undefined), 120_000);
  });

  afterAll(async () => {
    if (service && service.primary.exitCode === null) {
      const workers = workerPids(service.primary);
      service.primary.kill('SIGKILL');
      for (const pid of workers) process.kill(pid, 'SIGKILL');
    }
    await db?.drop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('runs two workers on one port, and /metrics sums the requests of both', async () => {
    const s = service!;
    await waitFor('two listening workers', async () => (workerPids(s.primary).length === 2 && (s.log().match(/worker listening/g) ?? []).length === 2 ? true : undefined), 60_000);
    const before = await liveCount(s.baseUrl);
    for (let i = 0; i < 40; i++) expect(await getLive(s.baseUrl)).toBe(200);
    // round-robin gives each worker about 20: one worker's own count could not grow by 40
    expect((await liveCount(s.baseUrl)) - before).toBe(40);
  });

  it('replaces a worker that dies while the other keeps answering', async () => {
    const s = service!;
    const [victim, survivor] = workerPids(s.primary);
    process.kill(victim!, 'SIGKILL');
    // A connection the primary handed over in the instant of the kill dies with the worker (a phone retries it);
    // once the primary has seen the exit, every connection goes to the survivor.
    await waitFor('the primary to see the exit', async () => (/"signal":"SIGKILL","msg":"worker died/.test(s.log()) ? true : undefined), 10_000);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push(await getLive(s.baseUrl));
    expect(statuses.every((status) => status === 200)).toBe(true);
    const replaced = await waitFor(
      'a replacement worker',
      async () => {
        const pids = workerPids(s.primary);
        return pids.length === 2 && !pids.includes(victim!) && pids.includes(survivor!) ? pids : undefined;
      },
      60_000,
    );
    expect(replaced).toHaveLength(2);
    await waitFor('the replacement to listen', async () => ((s.log().match(/worker listening/g) ?? []).length === 3 ? true : undefined), 60_000);
  });

  it('stops every worker and exits 0 on SIGTERM', async () => {
    const s = service!;
    const workers = workerPids(s.primary);
    s.primary.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    expect(s.log()).toContain('all workers stopped');
  });

  it('gives up with exit code 1 when workers die before listening, three in a row', async () => {
    const broken = startService({ ...env, AUTH_PUBLIC_KEY_FILE: join(keyDir, 'missing.pem') }, await freePort());
    expect(await broken.exit).toBe(1);
    expect(broken.log()).toContain('3 workers in a row died before listening');
    expect(broken.log()).toContain('missing.pem');
  });
});
