import { ModelSettingsRepository, ModelSettingsRow, SettingsChange } from './model-settings.repository';
import { ModelSettingsService } from './model-settings.service';

/** A settings table in memory that counts reads and can hold a read in flight. */
class FakeRepository {
  reads = 0;
  gate: Promise<void> | undefined;
  rows: ModelSettingsRow[] = [
    { key: 'two-meals-one-slot', enabled: true, severity: 'medium', thresholds: { maxMealsPerSlot: 1 }, scope: 'all', revision: 1, updatedAt: '2025-03-01T00:00:00.000Z', updatedBy: null },
    { key: 'unusual-flow', enabled: true, severity: 'low', thresholds: { minCount: 10, factor: 3, baselineDays: 28 }, scope: 'all', revision: 1, updatedAt: '2025-03-01T00:00:00.000Z', updatedBy: null },
  ];

  async all(): Promise<ModelSettingsRow[]> {
    this.reads += 1;
    const snapshot = this.rows.map((r) => ({ ...r }));
    if (this.gate) await this.gate;
    return snapshot;
  }

  async find(key: string): Promise<ModelSettingsRow | undefined> {
    return this.rows.find((r) => r.key === key);
  }

  async update(key: string, revision: number, change: SettingsChange): Promise<ModelSettingsRow | undefined> {
    const row = this.rows.find((r) => r.key === key && r.revision === revision);
    if (!row) return undefined;
    Object.assign(row, { ...change, thresholds: change.thresholds as Record<string, unknown>, revision: revision + 1 });
    return row;
  }
}

describe('ModelSettingsService cache', () => {
  const setup = () => {
    const repository = new FakeRepository();
    return { repository, service: new ModelSettingsService(repository as unknown as ModelSettingsRepository) };
  };

  it('reads the table once for many evaluations, concurrent ones included', async () => {
    const { repository, service } = setup();
    const all = await Promise.all(Array.from({ length: 50 }, () => service.typedSettings()));
    for (let i = 0; i < 100; i += 1) await service.typedSettings();
    expect(repository.reads).toBe(1);
    expect(all[0].get('two-meals-one-slot')).toMatchObject({ enabled: true, revision: 1, thresholds: { maxMealsPerSlot: 1 } });
    // thresholds added by a newer model version are filled with their defaults
    expect(all[0].get('unusual-flow')!.thresholds).toMatchObject({ canteenMinVisitors: 30, canteenFactor: 3, canteenMinHistoryDays: 5 });
  });

  it('a change through the service is seen by the next evaluation at once', async () => {
    const { repository, service } = setup();
    await service.typedSettings();
    await service.update('two-meals-one-slot', { enabled: false }, 'admin-1');
    const after = await service.typedSettings();
    expect(after.get('two-meals-one-slot')).toMatchObject({ enabled: false, revision: 2 });
    expect(repository.reads).toBe(2);
  });

  it('a read in flight when a change lands is not kept', async () => {
    const { repository, service } = setup();
    let open: () => void = () => undefined;
    repository.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const stale = service.typedSettings();
    await new Promise((resolve) => setImmediate(resolve));
    repository.gate = undefined;
    await service.update('two-meals-one-slot', { enabled: false }, 'admin-1');
    open();
    expect((await stale).get('two-meals-one-slot')!.enabled).toBe(true);
    expect((await service.typedSettings()).get('two-meals-one-slot')!.enabled).toBe(false);
  });

  it('changes made elsewhere (another instance) are read again after the TTL', async () => {
    jest.useFakeTimers({ now: Date.parse('2025-03-01T00:00:00Z'), doNotFake: ['setImmediate', 'nextTick'] });
    try {
      const { repository, service } = setup();
      await service.typedSettings();
      repository.rows[0].enabled = false;
      expect((await service.typedSettings()).get('two-meals-one-slot')!.enabled).toBe(true);
      jest.setSystemTime(Date.parse('2025-03-01T00:00:01.500Z'));
      expect((await service.typedSettings()).get('two-meals-one-slot')!.enabled).toBe(false);
      expect(repository.reads).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
