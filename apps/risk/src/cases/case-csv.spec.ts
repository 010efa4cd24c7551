import { csvCell, csvLine } from './case-csv';

describe('case CSV cells', () => {
  it('quotes commas, quotes and newlines; neutralises formulas', () => {
    expect(csvCell('柯城区机关食堂, 二楼')).toBe('"柯城区机关食堂, 二楼"');
    expect(csvCell('说 "是"')).toBe('"说 ""是"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvLine(['a', 'b\nc'])).toBe('a,"b\nc"\r\n');
  });
});
