/**
 * The shape of the bad-input corpus (issue 7): every case is data — a name, a category, the request and the answer
 * it must get. The runner (../support/http-runner.ts, ../support/kafka-runner.ts) sends each one to the real
 * services and checks the answer, the row counts of every table, and the service's health afterwards.
 */

export type Category = 'meal-codes' | 'passes-and-replays' | 'tokens' | 'injection' | 'bodies' | 'kafka' | 'pages';

export type ServiceName = 'canteen' | 'risk';

/** Whose bearer token the request carries (tokens issued by the service under test, 1 h lifetime). */
export type Caller = 'none' | 'admin' | 'diner' | 'visitor' | 'freshDiner' | 'terminal' | 'terminalB' | 'riskAdmin' | 'riskFinance';

export interface HttpRequestSpec {
  service: ServiceName;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** Bearer token of this caller (default: none). */
  as?: Caller;
  /** The raw Authorization header; wins over `as`. */
  authorization?: string;
  headers?: Record<string, string>;
  /** A body sent as application/json (JSON.stringify). */
  json?: unknown;
  /** A body sent exactly as given, with `contentType` (omitted: no Content-Type header). */
  raw?: string | Buffer;
  contentType?: string;
}

export interface ExpectedAnswer {
  status: number;
  /** The `code` of the error body (every 4xx must carry one). */
  code?: string;
}

/** What a case may leave in the database: rows added per table. Every other table must keep its row count. */
export type RowChanges = Readonly<Record<string, number>>;

export interface HttpCase {
  name: string;
  category: Category;
  request: HttpRequestSpec;
  expect: ExpectedAnswer;
  /** Default: nothing stored anywhere. */
  rows?: RowChanges;
  /** More checks on the answer body / the stored rows; returns a problem or undefined. */
  check?: (answer: { status: number; body: unknown }, db: CaseDatabases) => Promise<string | undefined>;
}

export interface CaseDatabases {
  canteen(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  risk(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** A message sent to one of the risk service's input topics; it must land on `<topic>.dlt` with `reason`. */
export interface KafkaCase {
  name: string;
  category: 'kafka';
  /** Logical topic (Topics.*). */
  topic: string;
  value: string | Buffer | null;
  /** The `dlt-reason` header expected on the dead letter. */
  reason: 'MALFORMED_JSON' | 'INVALID_ENVELOPE' | 'UNKNOWN_EVENT_TYPE' | 'UNSUPPORTED_VERSION' | 'INVALID_PAYLOAD' | 'HANDLER_FAILED';
}

/** Strings an attacker types into every free-text field (from injection-payloads.json). */
export interface InjectionPayloads {
  sql: string[];
  script: string[];
  /** Text PostgreSQL cannot store (U+0000): must be refused with a 400, never a 500. */
  unstorable: string[];
}
