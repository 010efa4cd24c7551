import { parseCsv } from './csv.parser';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF, a BOM, and records the starting line', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"multi\nline",\n3,z,w';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 4, fields: ['2', 'multi\nline', ''] },
      { line: 6, fields: ['3', 'z', 'w'] },
    ]);
  });

  it('refuses an unterminated quote', () => {
    expect(() => parseCsv('a,b\n1,"oops')).toThrow(/line 2/);
  });
});
