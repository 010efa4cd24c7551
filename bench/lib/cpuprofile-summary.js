// Summarises a V8 .cpuprofile: self time by function and by file/package (node bench/lib/cpuprofile-summary.js <file> [top]).
const fs = require('fs');
const file = process.argv[2];
const top = Number(process.argv[3] || 25);
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = p.timeDeltas;
for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) || 0) + (dt[i] || 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const pkg = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/^.*node_modules\//, 'nm:').replace(/^file:\/\/\/work\/main\//, '')}:${cf.lineNumber}`;
  fn.set(key, (fn.get(key) || 0) + us);
  let where = cf.url ? cf.url.replace(/^file:\/\//, '') : `(${cf.functionName || 'native'})`;
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(where);
  where = m ? `nm:${m[1]}` : where.startsWith('node:') ? where : where.includes('/work/main/') ? 'app:' + where.replace(/^.*\/work\/main\/bench\/dist\/canteen\//, '').split('/').slice(0, 4).join('/') : where;
  pkg.set(where, (pkg.get(where) || 0) + us);
}
const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5) + '%';
console.log(`total sampled ${(total / 1e6).toFixed(2)} s`);
console.log('-- by package/file');
[...pkg].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, v]) => console.log(pct(v), k));
console.log('-- by function (self)');
[...fn].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, v]) => console.log(pct(v), k));
// Optional: for a function name (argv[4]), attribute its self time to the first caller outside node internals.
if (process.argv[4]) {
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const acc = new Map();
  for (const [id, us] of self) {
    if (byId.get(id).callFrame.functionName !== process.argv[4]) continue;
    let cur = parent.get(id);
    const chain = [];
    while (cur !== undefined && chain.length < 12) {
      const cf = byId.get(cur).callFrame;
      chain.push(`${cf.functionName || '(anon)'}@${cf.url.replace(/^.*node_modules\//, '').replace(/^.*bench\/dist\/canteen\//, '')}:${cf.lineNumber}`);
      cur = parent.get(cur);
    }
    const key = chain.slice(0, 7).join(' < ');
    acc.set(key, (acc.get(key) || 0) + us);
  }
  console.log(`-- callers of ${process.argv[4]}`);
  [...acc].sort((a, b) => b[1] - a[1]).slice(0, 12).forEach(([k, v]) => console.log(pct(v), k));
}
