import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AllowanceClaimV1,
  ContractValidationError,
  createEvent,
  EventEnvelope,
  EventTypes,
  FieldError,
  ReceptionRecordV1,
  validateCommand,
} from '@meal/contracts';
import { OutboxWriter } from '@meal/kafka';
import { DataSource } from 'typeorm';
import { parseCsv } from './csv.parser';
import { ImportResultDto } from './dto/import-result.dto';
import { ImportBodyInvalidException } from './imports.exceptions';

/** Rows one import may carry. */
export const MAX_IMPORT_ROWS = 10_000;

/** CSV columns of an allowance-claim import, in the AllowanceClaimV1 contract's names. */
export const CLAIM_CSV_COLUMNS = ['claimId', 'dinerId', 'dinerUnitId', 'tripStart', 'tripEnd', 'destinationRegionCode', 'days', 'allowanceFen', 'status'] as const;
/** CSV columns of a reception-record import; guestUnitIds separated by `;`, an empty officialLetterRef = none. */
export const RECEPTION_CSV_COLUMNS = ['recordId', 'hostUnitId', 'guestUnitIds', 'date', 'headcount', 'amountFen', 'officialLetterRef', 'place'] as const;

const INTEGER_COLUMNS = new Set(['days', 'allowanceFen', 'headcount', 'amountFen']);

interface Row {
  line: number;
  value: unknown;
  /** Set when the row is already known to be bad (wrong number of CSV columns). */
  errors?: FieldError[];
}

interface ImportKind<T extends object> {
  columns: readonly string[];
  dto: new () => T;
  toEvent(row: T): EventEnvelope;
}

const CLAIMS: ImportKind<AllowanceClaimV1> = {
  columns: CLAIM_CSV_COLUMNS,
  dto: AllowanceClaimV1,
  toEvent: (row) => createEvent(EventTypes.AllowanceClaim, 1, row.claimId, row),
};

const RECEPTIONS: ImportKind<ReceptionRecordV1> = {
  columns: RECEPTION_CSV_COLUMNS,
  dto: ReceptionRecordV1,
  toEvent: (row) => createEvent(EventTypes.ReceptionRecord, 1, row.recordId, row),
};

/**
 * Imports for finance systems that cannot produce to Kafka: JSON arrays or CSV, each row validated against the
 * event contract; the good rows become one event each, written to the transactional outbox in one transaction
 * (all of them or none), the bad rows are answered by line with every field error and never published.
 */
@Injectable()
export class ImportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  importClaims(body: unknown, contentType: string | undefined): Promise<ImportResultDto> {
    return this.run(CLAIMS, body, contentType);
  }

  importReceptions(body: unknown, contentType: string | undefined): Promise<ImportResultDto> {
    return this.run(RECEPTIONS, body, contentType);
  }

  private async run<T extends object>(kind: ImportKind<T>, body: unknown, contentType: string | undefined): Promise<ImportResultDto> {
    const rows = this.rowsOf(kind, body, contentType);
    if (rows.length > MAX_IMPORT_ROWS) throw new ImportBodyInvalidException(`at most ${MAX_IMPORT_ROWS} rows per import, got ${rows.length}`);
    const events: EventEnvelope[] = [];
    const rejected: { line: number; errors: FieldError[] }[] = [];
    for (const row of rows) {
      if (row.errors) {
        rejected.push({ line: row.line, errors: row.errors });
        continue;
      }
      try {
        events.push(kind.toEvent(validateCommand(kind.dto, row.value)));
      } catch (error) {
        if (!(error instanceof ContractValidationError)) throw error;
        rejected.push({ line: row.line, errors: error.errors });
      }
    }
    if (events.length > 0) await this.dataSource.transaction((manager) => this.outbox.write(manager, events));
    return { accepted: events.length, rejected };
  }

  private rowsOf<T extends object>(kind: ImportKind<T>, body: unknown, contentType: string | undefined): Row[] {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'text/csv') {
      if (typeof body !== 'string') throw new ImportBodyInvalidException('the CSV body is empty');
      return this.csvRows(kind, body);
    }
    if (type !== 'application/json') throw new ImportBodyInvalidException('send a JSON array (application/json) or CSV with a header row (text/csv)');
    if (!Array.isArray(body)) throw new ImportBodyInvalidException('the JSON body must be an array of rows');
    return body.map((value: unknown, index) => ({ line: index + 1, value }));
  }

  private csvRows<T extends object>(kind: ImportKind<T>, text: string): Row[] {
    let records;
    try {
      records = parseCsv(text);
    } catch (error) {
      throw new ImportBodyInvalidException(`malformed CSV: ${error instanceof Error ? error.message : String(error)}`);
    }
    const [header, ...data] = records;
    if (!header) throw new ImportBodyInvalidException('the CSV has no header row');
    const names = header.fields.map((f) => f.trim());
    const unknown = names.filter((n) => !kind.columns.includes(n));
    const missing = kind.columns.filter((c) => !names.includes(c));
    if (unknown.length > 0 || missing.length > 0) {
      throw new ImportBodyInvalidException(
        `CSV header must name the columns ${kind.columns.join(',')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
      );
    }
    return data.map((record) => {
      if (record.fields.length !== names.length) {
        return { line: record.line, value: undefined, errors: [{ field: '', message: `expected ${names.length} columns, got ${record.fields.length}` }] };
      }
      const value: Record<string, unknown> = {};
      names.forEach((name, i) => (value[name] = this.cell(name, record.fields[i])));
      return { line: record.line, value };
    });
  }

  private cell(column: string, raw: string): unknown {
    const text = raw.trim();
    if (INTEGER_COLUMNS.has(column)) return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
    if (column === 'guestUnitIds') return text.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
    if (column === 'officialLetterRef') return text === '' ? null : text;
    return text;
  }
}
