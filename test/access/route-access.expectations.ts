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

  // browser pages (apps/canteen/src/web): public HTML/JS/CSS; every API call they make carries the bearer token
  'GET /app': 'public',
  'GET /app/diner': 'public',
  'GET /m/:code': 'public',
  'GET /app/terminal': 'public',
  'GET /app/admin': 'public',
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
  // warnings and cases 预警/线索 (apps/risk/src/warnings, cases): inspectors (their jurisdiction) and administrators
  'GET /warnings': [Inspector, Admin],
  'GET /cases': [Inspector, Admin],
  // imports of finance data (apps/risk/src/imports): administrators and finance (settlement officers)
  'POST /imports/allowance-claims': [Admin, SettlementOfficer],
  'POST /imports/reception-records': [Admin, SettlementOfficer],
};
