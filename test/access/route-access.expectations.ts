import { Role } from '@meal/auth';

/**
 * Who may call each HTTP route, keyed by `METHOD path` exactly as Express registers it (Nest's `:param` syntax).
 * `'public'` = no token needed (@Public); otherwise the roles that pass the guard (@Roles). Every route of a
 * service must be listed and every entry must exist — the route × role matrix test fails otherwise, so a new
 * route cannot ship without a deliberate access decision here.
 */
export type RouteAccessExpectation = 'public' | readonly Role[];
export type RouteAccessTable = Readonly<Record<string, RouteAccessExpectation>>;

const { Diner, Terminal, SettlementOfficer, Inspector, Admin } = Role;
const EVERY_ROLE = [Diner, Terminal, SettlementOfficer, Inspector, Admin] as const;
/** Organisation writes: administrators only. */
const WRITERS = [Admin] as const;
/** Reads of the organisation's shape (regions, units, canteens). */
const READERS = [Admin, Inspector, SettlementOfficer] as const;
/** Staff carry personal data: administrators only (inspectors get people through jurisdiction-scoped cases). */
const STAFF_READERS = [Admin] as const;

/** Operational routes every service has (platform: health, metrics; bootstrap: OpenAPI docs). */
const OPERATIONS: RouteAccessTable = {
  'GET /health': 'public',
  'GET /health/live': 'public',
  'GET /metrics': 'public',
  'GET /docs': 'public',
  'GET /docs/': 'public',
  'GET /docs/index.html': 'public',
  'GET /docs/swagger-ui-init.js': 'public',
  'GET /docs/docs/swagger-ui-init.js': 'public',
  'GET /docs-json': 'public',
  'GET /docs-yaml': 'public',
};

export const CANTEEN_ROUTE_ACCESS: RouteAccessTable = {
  ...OPERATIONS,
  // identity (apps/canteen/src/identity)
  'POST /auth/dev-login': 'public',
  'GET /auth/me': EVERY_ROLE,
  // simulation clock (apps/canteen/src/simulation-clock): administrators, and only when SIMULATION_CLOCK_ENABLED
  'GET /simulation/clock': [Admin],
  'PUT /simulation/clock': [Admin],

  // organisation administration (apps/canteen/src/organisation)
  'POST /regions': WRITERS,
  'GET /regions': READERS,
  'GET /regions/:code': READERS,
  'GET /regions/:code/children': READERS,
  'GET /regions/:code/subtree-count': READERS,
  'PATCH /regions/:code': WRITERS,
  'POST /regions/:code/deactivate': WRITERS,

  'POST /units': WRITERS,
  'GET /units': READERS,
  'GET /units/:id': READERS,
  'PATCH /units/:id': WRITERS,
  'POST /units/:id/deactivate': WRITERS,

  'POST /staff': WRITERS,
  'GET /staff': STAFF_READERS,
  'GET /staff/:id': STAFF_READERS,
  'PATCH /staff/:id': WRITERS,
  'POST /staff/:id/deactivate': WRITERS,

  'POST /canteens': WRITERS,
  'GET /canteens': READERS,
  'GET /canteens/:id': READERS,
  'PATCH /canteens/:id': WRITERS,
  'POST /canteens/:id/deactivate': WRITERS,

  'POST /terminals': WRITERS,
  'GET /terminals': WRITERS,
  'GET /terminals/:id': WRITERS,
  'PATCH /terminals/:id': WRITERS,
  'POST /terminals/:id/deactivate': WRITERS,

  'POST /role-assignments': WRITERS,
  'GET /role-assignments': WRITERS,
  'GET /role-assignments/:id': WRITERS,
  'DELETE /role-assignments/:id': WRITERS,

  // meal codes 用餐码 (apps/canteen/src/meal-code): admins manage them; a terminal may show its own canteen's code
  'POST /canteens/:canteenId/meal-codes': WRITERS,
  'POST /canteens/:canteenId/meal-codes/rotate': WRITERS,
  'POST /canteens/:canteenId/meal-codes/revoke-all': WRITERS,
  'POST /canteens/:canteenId/meal-codes/:version/revoke': WRITERS,
  'GET /canteens/:canteenId/meal-codes': WRITERS,
  'GET /canteens/:canteenId/meal-codes/current.png': [Admin, Terminal],
  'GET /canteens/:canteenId/meal-codes/current.svg': [Admin, Terminal],
  'GET /canteens/:canteenId/meal-codes/poster': WRITERS,
  'GET /meal-codes/public-key': 'public',
  'POST /meal-codes/verify': WRITERS,

  // scanning 扫码就餐 (apps/canteen/src/scanning): diners scan and see their own meals and passes; admins or the canteen's terminal void
  'POST /scans': [Diner],
  'GET /meals/mine': [Diner],
  'GET /meals/:id/pass': [Diner],
  'GET /meals/:id/pass.svg': [Diner],
  'POST /meals/:id/void': [Admin, Terminal],

  // terminals 食堂终端 (apps/canteen/src/terminal): bound to their canteen
  'POST /terminal/verifications': [Terminal],
  'GET /terminal/pass-key': [Terminal],
  'POST /terminal/offline-confirmations': [Terminal],
  'GET /terminal/summary': [Terminal],
  'GET /terminal/stream': [Terminal],

  // settlement 结算 (apps/canteen/src/settlement): settlement officers; closing, approving and paying need the clearing
  // company (no unit), confirming the party's own finance officer — checked in the service (403 with a code)
  'GET /settlement/periods': [SettlementOfficer],
  'GET /settlement/periods/:key': [SettlementOfficer],
  'POST /settlement/periods/:key/close': [SettlementOfficer],
  'GET /settlement/periods/:key/nets': [SettlementOfficer],
  'GET /settlement/statements': [SettlementOfficer],
  'GET /settlement/statements/:id': [SettlementOfficer],
  'GET /settlement/statements/:id/lines': [SettlementOfficer],
  'GET /settlement/statements/:id/lines.csv': [SettlementOfficer],
  'GET /settlement/statements/:id/print': [SettlementOfficer],
  'POST /settlement/statements/:id/approve': [SettlementOfficer],
  'POST /settlement/statements/:id/pay': [SettlementOfficer],
  'POST /settlement/statements/:id/confirm': [SettlementOfficer],

  // browser pages (apps/canteen/src/web): public HTML/JS/CSS; every API call they make carries the bearer token
  'GET /app': 'public',
  'GET /app/diner': 'public',
  'GET /m/:code': 'public',
  'GET /app/terminal': 'public',
  'GET /app/admin': 'public',
  'GET /app/settlement': 'public',
  'GET /app/config.json': 'public',
  'GET /app/assets/:file': 'public',
  'GET /app/vendor/zxing-browser.min.js': 'public',
};

export const RISK_ROUTE_ACCESS: RouteAccessTable = {
  ...OPERATIONS,
  // warning models 预警模型 (apps/risk/src/model-settings, backtest): administrators
  'GET /models': [Admin],
  'GET /models/:key': [Admin],
  'PATCH /models/:key': [Admin],
  'POST /models/:key/backtest': [Admin],
  // shadow replays of the input topics 历史重放 (apps/risk/src/replay): administrators
  'POST /replays': [Admin],
  'GET /replays': [Admin],
  'GET /replays/:id': [Admin],
  // warnings and cases 预警/线索 (apps/risk/src/warnings, cases): inspectors (their jurisdiction) and administrators
  'GET /warnings': [Inspector, Admin],
  'GET /cases': [Inspector, Admin],
  // inspectors' console 核查工作台 (apps/risk/src/cases, inspectors, snoozes, dashboard, console): reads for inspectors (their
  // jurisdiction) and administrators; the workflow for inspectors only (lead powers checked in the service); leads granted by admins
  'GET /cases/export.csv': [Inspector, Admin],
  'POST /cases/take-next': [Inspector],
  'POST /cases/bulk': [Inspector],
  'GET /cases/:id': [Inspector, Admin],
  'GET /cases/:id/audit': [Inspector, Admin],
  'GET /cases/:id/file.csv': [Inspector, Admin],
  'POST /cases/:id/take': [Inspector],
  'POST /cases/:id/assign': [Inspector],
  'POST /cases/:id/start': [Inspector],
  'POST /cases/:id/close': [Inspector],
  'POST /cases/:id/reopen': [Inspector],
  'POST /cases/:id/notes': [Inspector],
  'POST /cases/:id/attachments': [Inspector],
  'GET /cases/:id/attachments/:attachmentId': [Inspector, Admin],
  'POST /cases/:id/snooze': [Inspector],
  'GET /snoozes': [Inspector, Admin],
  'POST /snoozes/:id/lift': [Inspector],
  'GET /inspectors/me': [Inspector],
  'GET /inspectors': [Inspector, Admin],
  'GET /inspector-leads': [Admin],
  'PUT /inspector-leads/:staffId': [Admin],
  'DELETE /inspector-leads/:staffId': [Admin],
  'GET /dashboard': [Inspector, Admin],
  'GET /quality/models': [Inspector, Admin],
  'POST /auth/dev-login': 'public',
  'GET /console': 'public',
  'GET /console/dashboard': 'public',
  'GET /console/cases/:id': 'public',
  'GET /console/cases/:id/print': 'public',
  'GET /console/assets/:file': 'public',
  // imports of finance data (apps/risk/src/imports): administrators and finance (settlement officers)
  'POST /imports/allowance-claims': [Admin, SettlementOfficer],
  'POST /imports/reception-records': [Admin, SettlementOfficer],
};
