// Inclusive CPU by purpose for the canteen service profile: each sample goes to the first category whose pattern
// matches any frame of its stack (priority order). node bench/lib/cpuprofile-categories.js <file.cpuprofile>
const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const categories = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ['startup (module loading)', (f) => /cjs\/loader/.test(f.url) || f.functionName === 'bootstrapService'],
  ['outbox relay (claim/publish/mark + backlog count)', (f) => /outbox-relay|embedded\.transport|event-publisher/.test(f.url)],
  ['auth guard: ES256 token verify', (f) => /token-verifier|auth\.guard/.test(f.url)],
  ['pass: key parse + ES256 sign', (f) => /meal-pass\.signer|pass-key\.service/.test(f.url)],
  ['request validation (class-validator/transformer)', (f) => /class-validator|class-transformer|validation\.pipe/.test(f.url)],
  ['pg via TypeORM (outbox relay, backlog, pass-key reads; continuations lose the caller frame)', (f) => /node_modules\/typeorm\//.test(f.url)],
  ['pg on the raw pool (scan hot path: diner read + meal/outbox insert)', (f) => /node_modules\/(pg|pg-protocol|pg-pool)\//.test(f.url)],
  ['event envelope (createEvent + contract validation)', (f) => /libs\/contracts|outbox-writer/.test(f.url)],
  ['scan service logic', (f) => /apps\/canteen\/src\/(scanning|meal-code)/.test(f.url)],
  ['request logging (pino-http)', (f) => /pino/.test(f.url)],
  ['metrics (prom-client)', (f) => /prom-client|metrics/.test(f.url)],
  ['HTTP response write (socket)', (f) => /_http_outgoing|_http_server/.test(f.url)],
  ['Nest/express/rxjs plumbing', (f) => /@nestjs|express|router|rxjs|body-parser|raw-body/.test(f.url)],
];
// optional window in seconds from the profile start: node … <file> <fromSeconds> <toSeconds>
const from = Number(process.argv[3] || 0) * 1e6;
const to = process.argv[4] ? Number(process.argv[4]) * 1e6 : Infinity;
const self = new Map();
let t = 0;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i] || 0;
  if (t < from || t > to) continue;
  self.set(p.samples[i], (self.get(p.samples[i]) || 0) + (p.timeDeltas[i] || 0));
}
const acc = new Map();
let total = 0;
for (const [id, us] of self) {
  const frames = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) frames.push(byId.get(cur).callFrame);
  let cat = 'other (native/timers/socket reads)';
  for (const [name, test] of categories) if (frames.some(test)) { cat = name; break; }
  acc.set(cat, (acc.get(cat) || 0) + us);
  total += us;
}
const busy = total - (acc.get('idle') || 0);
console.log(`sampled ${(total / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s; share of busy time:`);
[...acc].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]).forEach(([k, v]) => console.log(`${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`));
