// Issues the meal codes (用餐码) of the demo canteens listed in the seed summary, through the admin API,
// so the pages can be tried at once. Idempotent: issuing again returns the active code.
// Usage: node scripts/demo-issue-codes.js <canteen base URL> <seed-summary.json>
const [baseUrl, summaryFile] = process.argv.slice(2);
const summary = require(require('node:path').resolve(summaryFile));

async function main() {
  const login = await fetch(`${baseUrl}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ externalIdentityId: 'zzd-admin' }),
  });
  if (!login.ok) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
  const { accessToken } = await login.json();
  for (const canteen of summary.demoCanteens) {
    const res = await fetch(`${baseUrl}/canteens/${canteen.id}/meal-codes`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
    if (!res.ok) throw new Error(`issuing the code of ${canteen.code} failed: ${res.status} ${await res.text()}`);
    const code = await res.json();
    process.stdout.write(`  ${canteen.name} (${canteen.code}, terminal ${canteen.terminalCodes[0]}): code v${code.version ?? '?'}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
