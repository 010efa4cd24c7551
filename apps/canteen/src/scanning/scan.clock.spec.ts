import { AdjustableScanClock } from './scan.clock';

describe('AdjustableScanClock (the simulator’s scan clock)', () => {
  it('starts where it is told and runs at the real pace; set() moves it', async () => {
    const start = new Date('2026-03-02T04:00:00Z');
    const clock = new AdjustableScanClock(start);
    expect(Math.abs(clock.now().getTime() - start.getTime())).toBeLessThan(50);
    await new Promise((r) => setTimeout(r, 120));
    expect(clock.now().getTime() - start.getTime()).toBeGreaterThanOrEqual(100);
    clock.set(new Date('2026-03-03T10:00:00Z'));
    expect(Math.abs(clock.now().getTime() - Date.parse('2026-03-03T10:00:00Z'))).toBeLessThan(50);
    expect(Math.abs(new AdjustableScanClock().now().getTime() - Date.now())).toBeLessThan(50);
  });
});
