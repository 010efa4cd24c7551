import { monthRangeOf } from './dashboard.service';

describe('dashboard month range', () => {
  it('defaults to the last 12 months up to this month in Asia/Shanghai', () => {
    // 2025-12-31T17:00Z is already 2026-01-01 in Shanghai
    expect(monthRangeOf(undefined, undefined, Date.parse('2025-12-31T17:00:00Z'))).toEqual({ from: '2025-02', to: '2026-01', range: { start: '2025-02-01', end: '2026-02-01' } });
  });

  it('takes an explicit range across a year end', () => {
    expect(monthRangeOf('2024-11', '2025-02').range).toEqual({ start: '2024-11-01', end: '2025-03-01' });
  });

  it('refuses from after to and more than 36 months', () => {
    expect(() => monthRangeOf('2025-03', '2025-02')).toThrow(expect.objectContaining({ code: 'MONTH_RANGE_INVALID' }));
    expect(() => monthRangeOf('2022-01', '2025-01')).toThrow(expect.objectContaining({ code: 'MONTH_RANGE_INVALID' }));
    expect(monthRangeOf('2022-02', '2025-01').from).toBe('2022-02');
  });
});
