import { closableFrom, daysBetween, isClosable, parsePeriodKey, shanghaiDateOf } from './settlement-period';

describe('settlement period keys', () => {
  it('parses real days and months only', () => {
    expect(parsePeriodKey('2025-11-24')).toEqual({ kind: 'day', key: '2025-11-24', start: '2025-11-24', end: '2025-11-24', monthStart: '2025-11-01' });
    expect(parsePeriodKey('2024-02')).toEqual({ kind: 'month', key: '2024-02', start: '2024-02-01', end: '2024-02-29', monthStart: '2024-02-01' });
    expect(parsePeriodKey('2025-02')?.end).toBe('2025-02-28');
    for (const bad of ['2025-02-29', '2025-02-30', '2025-13', '2025-00', '2025-11-00', '2025-1-1', 'yesterday', '', '2025-11-24T00:00', '1999-12']) {
      expect(parsePeriodKey(bad)).toBeNull();
    }
  });

  it('lists the days of a range and the Shanghai date of an instant', () => {
    expect(daysBetween('2025-02-27', '2025-03-02')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    expect(shanghaiDateOf(new Date('2025-11-23T16:00:00Z'))).toBe('2025-11-24');
    expect(shanghaiDateOf(new Date('2025-11-23T15:59:59Z'))).toBe('2025-11-23');
  });

  it('a day is closable 10 minutes after midnight Asia/Shanghai of the next day; a month after its last day', () => {
    const day = parsePeriodKey('2025-11-24')!;
    expect(closableFrom(day).toISOString()).toBe('2025-11-24T16:10:00.000Z');
    expect(isClosable(day, new Date('2025-11-24T16:09:59Z'))).toBe(false);
    expect(isClosable(day, new Date('2025-11-24T16:10:00Z'))).toBe(true);
    const month = parsePeriodKey('2025-11')!;
    expect(isClosable(month, new Date('2025-11-30T16:09:00Z'))).toBe(false);
    expect(isClosable(month, new Date('2025-12-01T00:00:00Z'))).toBe(true);
  });
});
