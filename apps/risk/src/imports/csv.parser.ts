/** One CSV record with the physical line it starts on (1 = the header). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * RFC 4180 CSV: comma separated, double-quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF.
 * Blank lines are skipped. Throws on an unterminated quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let sawAny = false;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const endRecord = (): void => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '' || sawAny) records.push({ line: startLine, fields });
    fields = [];
    field = '';
    sawAny = false;
  };
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      sawAny = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      sawAny = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      startLine = line;
    } else field += c;
  }
  if (quoted) throw new Error(`unterminated quoted field starting on line ${startLine}`);
  if (field !== '' || fields.length > 0 || sawAny) endRecord();
  return records;
}
