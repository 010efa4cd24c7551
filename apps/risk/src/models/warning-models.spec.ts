import { DuplicateSubsidyModel } from './duplicate-subsidy.model';
import { haversineKm } from './model-format';
import { MutualTreatingModel } from './mutual-treating.model';
import { ProxyOrFakeScanModel } from './proxy-or-fake-scan.model';
import { commonRegionOf } from './region-codes';
import { SameCityReceptionModel } from './same-city-reception.model';
import { InMemoryRiskContext, settingsOf } from './testing/in-memory-risk-context';
import { TwoMealsOneSlotModel } from './two-meals-one-slot.model';
import { UnusualFlowModel } from './unusual-flow.model';
import { MealFact, ReceptionFact } from '../facts/fact.types';
import { Trigger } from '../facts/fact.types';

const mealTrigger = (meal: MealFact): Trigger => ({ kind: 'meal', eventId: meal.eventId, meal });
const receptionTrigger = (record: ReceptionFact): Trigger => ({ kind: 'reception', eventId: record.eventId, record });

function cityContext(): InMemoryRiskContext {
  const ctx = new InMemoryRiskContext();
  ctx.addUnit('unit-a', '衢江区财政局', '330803');
  ctx.addUnit('unit-b', '柯城区教育局', '330802');
  ctx.addUnit('unit-c', '常山县卫健局', '330822');
  ctx.addUnit('unit-d', '江山市公安局', '330881');
  ctx.addUnit('unit-e', '开化县水利局', '330824');
  ctx.addUnit('unit-hz', '杭州市财政局', '330100');
  ctx.staffs.set('diner-1', { id: 'diner-1', name: '张三', unitId: 'unit-a' });
  ctx.addCanteen({ id: 'canteen-a', name: 'A食堂', latitude: 28.97, longitude: 118.86 });
  ctx.addCanteen({ id: 'canteen-b', name: 'B食堂', latitude: 28.9705, longitude: 118.87 });
  return ctx;
}

describe('two-meals-one-slot 同餐次重复就餐', () => {
  const model = new TwoMealsOneSlotModel();

  it('fires for two meals of one diner in one slot at two canteens, with evidence and explanation', async () => {
    const ctx = cityContext();
    ctx.addMeal({ canteenId: 'canteen-a', scannedAt: '2025-03-03T04:01:00.000Z' });
    const second = ctx.addMeal({ canteenId: 'canteen-b', scannedAt: '2025-03-03T04:20:00.000Z' });
    const [draft, ...rest] = await model.evaluate(mealTrigger(second), ctx, settingsOf(model));
    expect(rest).toHaveLength(0);
    expect(draft.dedupeKey).toBe('two-meals:diner-1:2025-03-03:lunch');
    expect(draft.explanation).toBe('张三（衢江区财政局）于2025-03-03午餐在两个食堂各就餐一次：A食堂 12:01、B食堂 12:20');
    expect(draft.evidence.map((e) => e.ref)).toEqual(ctx.meals.map((m) => m.mealId));
    expect(draft.evidence[0].details).toMatchObject({ canteenName: 'A食堂', slot: 'lunch' });
    expect(draft).toMatchObject({ subjectType: 'diner', subjectId: 'diner-1', regionCode: '330802', businessDate: '2025-03-03' });
  });

  it('does not fire for meals in different slots, or when one of them was voided', async () => {
    const ctx = cityContext();
    ctx.addMeal({ slot: 'breakfast', scannedAt: '2025-03-03T00:10:00.000Z' });
    const lunch = ctx.addMeal({ slot: 'lunch' });
    expect(await model.evaluate(mealTrigger(lunch), ctx, settingsOf(model))).toEqual([]);
    ctx.addMeal({ slot: 'lunch', voidedAt: '2025-03-03T04:30:00.000Z' });
    expect(await model.evaluate(mealTrigger(lunch), ctx, settingsOf(model))).toEqual([]);
  });

  it('boundary: exactly maxMealsPerSlot meals do not fire, one more does', async () => {
    const ctx = cityContext();
    ctx.addMeal({});
    const second = ctx.addMeal({ canteenId: 'canteen-b' });
    expect(await model.evaluate(mealTrigger(second), ctx, settingsOf(model, { maxMealsPerSlot: 2 }))).toEqual([]);
    const third = ctx.addMeal({ canteenId: 'canteen-b', scannedAt: '2025-03-03T04:40:00.000Z' });
    expect(await model.evaluate(mealTrigger(third), ctx, settingsOf(model, { maxMealsPerSlot: 2 }))).toHaveLength(1);
  });

  it('refuses bad thresholds', () => {
    expect(model.parseThresholds({ maxMealsPerSlot: 0 }).errors[0].field).toBe('maxMealsPerSlot');
    expect(model.parseThresholds({ maxMealsPerSlot: 1, other: 1 }).errors[0].field).toBe('other');
  });
});

describe('duplicate-subsidy 重复领补', () => {
  const model = new DuplicateSubsidyModel();

  it('fires for a unit-paid meal on a claimed day, with the same key whether the meal or the claim comes first', async () => {
    const ctx = cityContext();
    const meal = ctx.addMeal({ payer: 'unit', paymentKind: 'unit-settlement', priceFen: 2000, canteenId: 'canteen-b' });
    const claim = ctx.addClaim({ claimId: 'claim-1', tripStart: '2025-03-02', tripEnd: '2025-03-04' });
    const mealFirst = await model.evaluate({ kind: 'claim', eventId: claim.eventId, claim }, ctx, settingsOf(model));
    const claimFirst = await model.evaluate(mealTrigger(meal), ctx, settingsOf(model));
    expect(mealFirst.map((d) => d.dedupeKey)).toEqual([`dup-subsidy:meal:${meal.mealId}:claim-1`]);
    expect(claimFirst.map((d) => d.dedupeKey)).toEqual(mealFirst.map((d) => d.dedupeKey));
    expect(claimFirst[0].explanation).toBe('张三（衢江区财政局）于2025-03-03午餐在B食堂公务结算就餐20.00元，同日已申领差旅伙食补助（claim-1，2025-03-02至2025-03-04）');
    expect(claimFirst[0].evidence.map((e) => [e.kind, e.ref])).toEqual([
      ['meal', meal.mealId],
      ['allowance-claim', 'claim-1'],
    ]);
  });

  it('does not fire for a self-paid meal on a claim day, a revoked claim, or a unit-paid meal the day after the trip', async () => {
    const ctx = cityContext();
    ctx.addClaim({ tripStart: '2025-03-02', tripEnd: '2025-03-03' });
    const selfPaid = ctx.addMeal({ payer: 'self' });
    expect(await model.evaluate(mealTrigger(selfPaid), ctx, settingsOf(model))).toEqual([]);
    const after = ctx.addMeal({ payer: 'unit', mealDate: '2025-03-04', scannedAt: '2025-03-04T04:00:00.000Z' });
    expect(await model.evaluate(mealTrigger(after), ctx, settingsOf(model))).toEqual([]);
    const ctx2 = cityContext();
    ctx2.addClaim({ status: 'revoked' });
    const paid = ctx2.addMeal({ payer: 'unit' });
    expect(await model.evaluate(mealTrigger(paid), ctx2, settingsOf(model))).toEqual([]);
  });

  it('counts submitted claims only when includeSubmittedClaims is on', async () => {
    const ctx = cityContext();
    ctx.addClaim({ status: 'submitted' });
    const paid = ctx.addMeal({ payer: 'unit' });
    expect(await model.evaluate(mealTrigger(paid), ctx, settingsOf(model))).toHaveLength(1);
    expect(await model.evaluate(mealTrigger(paid), ctx, settingsOf(model, { includeSubmittedClaims: false }))).toEqual([]);
  });

  it('fires for two overlapping claims, listing the overlapping days; claims that only touch do not fire', async () => {
    const ctx = cityContext();
    ctx.addClaim({ claimId: 'claim-b', tripStart: '2025-03-03', tripEnd: '2025-03-06' });
    const a = ctx.addClaim({ claimId: 'claim-a', tripStart: '2025-03-01', tripEnd: '2025-03-04' });
    const [draft] = await model.evaluate({ kind: 'claim', eventId: a.eventId, claim: a }, ctx, settingsOf(model));
    expect(draft.dedupeKey).toBe('dup-subsidy:claims:claim-a:claim-b');
    expect(draft.explanation).toContain('行程重叠2天（2025-03-03、2025-03-04）');
    expect(draft.evidence[0].details.overlappingDays).toEqual(['2025-03-03', '2025-03-04']);
    // boundary: minOverlapDays 2 fires, 3 does not
    expect(await model.evaluate({ kind: 'claim', eventId: a.eventId, claim: a }, ctx, settingsOf(model, { minOverlapDays: 2 }))).toHaveLength(1);
    expect(await model.evaluate({ kind: 'claim', eventId: a.eventId, claim: a }, ctx, settingsOf(model, { minOverlapDays: 3 }))).toEqual([]);

    const touching = cityContext();
    touching.addClaim({ tripStart: '2025-03-01', tripEnd: '2025-03-03' });
    const next = touching.addClaim({ tripStart: '2025-03-04', tripEnd: '2025-03-05' });
    expect(await model.evaluate({ kind: 'claim', eventId: next.eventId, claim: next }, touching, settingsOf(model))).toEqual([]);
  });
});

describe('proxy-or-fake-scan 代扫/虚假扫码', () => {
  const model = new ProxyOrFakeScanModel();

  it('fires for a scan outside the geofence; exactly at the radius does not fire', async () => {
    const ctx = cityContext();
    const outside = ctx.addMeal({ distanceMeters: 1500, withinGeofence: false });
    const [draft] = await model.evaluate(mealTrigger(outside), ctx, settingsOf(model));
    expect(draft.dedupeKey).toBe(`proxy-scan:geofence:${outside.mealId}`);
    expect(draft.explanation).toContain('手机位置距食堂1500米，超出电子围栏（电子围栏半径200米）');
    expect(draft.evidence.map((e) => e.kind)).toEqual(['meal', 'scan-location']);

    const atRadius = cityContext();
    const edge = atRadius.addMeal({ distanceMeters: 200, withinGeofence: true });
    expect(await model.evaluate(mealTrigger(edge), atRadius, settingsOf(model))).toEqual([]);
    const beyond = atRadius.addMeal({ distanceMeters: 200.5, withinGeofence: true, slot: 'dinner', scannedAt: '2025-03-03T10:00:00.000Z' });
    expect(await model.evaluate(mealTrigger(beyond), atRadius, settingsOf(model))).toHaveLength(1);
    expect(await model.evaluate(mealTrigger(beyond), atRadius, settingsOf(model, { distanceToleranceMeters: 1 }))).toEqual([]);
  });

  it('fires for two scans too far apart for the time between them; a 100 km trip at 90 km/h does not', async () => {
    const ctx = cityContext();
    ctx.addCanteen({ id: 'canteen-far', name: '远方食堂', latitude: 28.97 + 100 / 111.1951, longitude: 118.86 });
    const km = haversineKm(28.97, 118.86, 28.97 + 100 / 111.1951, 118.86);
    expect(km).toBeCloseTo(100, 1);
    const first = ctx.addMeal({ canteenId: 'canteen-a', slot: 'breakfast', scannedAt: '2025-03-03T00:00:00.000Z' });
    const slowMs = Math.round((km / 90) * 3_600_000);
    const slow = ctx.addMeal({ canteenId: 'canteen-far', scannedAt: new Date(Date.parse(first.scannedAt) + slowMs).toISOString() });
    expect(await model.evaluate(mealTrigger(slow), ctx, settingsOf(model))).toEqual([]);

    const fastCtx = cityContext();
    fastCtx.canteens.set('canteen-far', ctx.canteens.get('canteen-far')!);
    const f1 = fastCtx.addMeal({ canteenId: 'canteen-a', slot: 'breakfast', scannedAt: '2025-03-03T00:00:00.000Z' });
    const f2 = fastCtx.addMeal({ canteenId: 'canteen-far', scannedAt: '2025-03-03T00:30:00.000Z' });
    const [draft] = await model.evaluate(mealTrigger(f2), fastCtx, settingsOf(model));
    expect(draft.dedupeKey).toBe(`proxy-scan:speed:${[f1.mealId, f2.mealId].sort().join(':')}`);
    expect(draft.explanation).toContain('折合200公里/小时');
    // the same pair seen from the other scan has the same key
    expect((await model.evaluate(mealTrigger(f1), fastCtx, settingsOf(model)))[0].dedupeKey).toBe(draft.dedupeKey);
    // boundary: a threshold exactly at the implied speed does not fire
    const speed = km / 0.5;
    expect(await model.evaluate(mealTrigger(f2), fastCtx, settingsOf(model, { maxSpeedKmh: speed }))).toEqual([]);
    expect(await model.evaluate(mealTrigger(f2), fastCtx, settingsOf(model, { maxSpeedKmh: speed - 0.01 }))).toHaveLength(1);
  });

  it('ignores jumps shorter than minJumpKm', async () => {
    const ctx = cityContext();
    ctx.addMeal({ canteenId: 'canteen-a', scannedAt: '2025-03-03T04:00:00.000Z' });
    const near = ctx.addMeal({ canteenId: 'canteen-b', scannedAt: '2025-03-03T04:00:10.000Z' });
    expect(haversineKm(28.97, 118.86, 28.9705, 118.87)).toBeLessThan(1);
    expect(await model.evaluate(mealTrigger(near), ctx, settingsOf(model))).toEqual([]);
  });
});

describe('same-city-reception 同城公务接待', () => {
  const model = new SameCityReceptionModel();

  it('fires for a host and guest in the same city, more severe without an official letter', async () => {
    const ctx = cityContext();
    const noLetter = ctx.addReception({ recordId: 'r-1', hostUnitId: 'unit-a', guestUnitIds: ['unit-b'], date: '2025-03-03' });
    const [draft] = await model.evaluate(receptionTrigger(noLetter), ctx, settingsOf(model));
    expect(draft).toMatchObject({ dedupeKey: 'same-city-reception:r-1', severity: 'high', subjectType: 'unit', subjectId: 'unit-a', regionCode: '330803' });
    expect(draft.explanation).toBe('衢江区财政局于2025-03-03在机关食堂包厢接待同城单位柯城区教育局，4人，480.00元，无公函，违反同城公务活动不安排用餐规定');
    const withLetter = ctx.addReception({ hostUnitId: 'unit-a', guestUnitIds: ['unit-b'], date: '2025-03-04', officialLetterRef: '衢财函〔2025〕12号' });
    expect((await model.evaluate(receptionTrigger(withLetter), ctx, settingsOf(model)))[0].severity).toBe('medium');
  });

  it('does not fire for a guest from another city', async () => {
    const ctx = cityContext();
    const record = ctx.addReception({ hostUnitId: 'unit-a', guestUnitIds: ['unit-hz'], date: '2025-03-03' });
    expect(await model.evaluate(receptionTrigger(record), ctx, settingsOf(model))).toEqual([]);
  });
});

describe('mutual-treating 同城单位相互吃请', () => {
  const model = new MutualTreatingModel();

  it('fires for A→B and B→A within the window, whichever arrives last', async () => {
    const ctx = cityContext();
    const ab = ctx.addReception({ recordId: 'r-ab', hostUnitId: 'unit-a', guestUnitIds: ['unit-b'], date: '2025-03-01' });
    const ba = ctx.addReception({ recordId: 'r-ba', hostUnitId: 'unit-b', guestUnitIds: ['unit-a'], date: '2025-03-20' });
    const [draft] = await model.evaluate(receptionTrigger(ba), ctx, settingsOf(model));
    expect(draft).toMatchObject({ dedupeKey: 'mutual-treating:pair:r-ab:r-ba', subjectType: 'unit-pair', subjectId: 'unit-a+unit-b', regionCode: '330800' });
    expect(draft.explanation).toBe('衢江区财政局与柯城区教育局在19天内相互接待：2025-03-01衢江区财政局接待柯城区教育局（4人，480.00元）；2025-03-20柯城区教育局接待衢江区财政局（4人，480.00元）');
    expect((await model.evaluate(receptionTrigger(ab), ctx, settingsOf(model)))[0].dedupeKey).toBe(draft.dedupeKey);
  });

  it('does not fire for A→B alone, or for A→B and B→A 31 days apart with a 30-day window (30 days fires)', async () => {
    const ctx = cityContext();
    const ab = ctx.addReception({ hostUnitId: 'unit-a', guestUnitIds: ['unit-b'], date: '2025-03-01' });
    expect(await model.evaluate(receptionTrigger(ab), ctx, settingsOf(model))).toEqual([]);
    const late = ctx.addReception({ hostUnitId: 'unit-b', guestUnitIds: ['unit-a'], date: '2025-04-01' });
    expect(await model.evaluate(receptionTrigger(late), ctx, settingsOf(model))).toEqual([]);
    const boundary = ctx.addReception({ hostUnitId: 'unit-b', guestUnitIds: ['unit-a'], date: '2025-03-31' });
    expect(await model.evaluate(receptionTrigger(boundary), ctx, settingsOf(model))).toHaveLength(1);
  });

  it('fires for a cycle A→B→C→A; a 5-cycle is longer than maxCycleLength 4; another city breaks same-city', async () => {
    const ctx = cityContext();
    ctx.addReception({ recordId: 'r-1', hostUnitId: 'unit-a', guestUnitIds: ['unit-b'], date: '2025-03-01' });
    ctx.addReception({ recordId: 'r-2', hostUnitId: 'unit-b', guestUnitIds: ['unit-c'], date: '2025-03-05' });
    const ca = ctx.addReception({ recordId: 'r-3', hostUnitId: 'unit-c', guestUnitIds: ['unit-a'], date: '2025-03-10' });
    const [draft, ...rest] = await model.evaluate(receptionTrigger(ca), ctx, settingsOf(model));
    expect(rest).toHaveLength(0);
    expect(draft).toMatchObject({ dedupeKey: 'mutual-treating:cycle:unit-a+unit-b+unit-c:r-1:r-2:r-3', subjectType: 'unit-group' });
    expect(draft.explanation).toContain('衢江区财政局→柯城区教育局→常山县卫健局→衢江区财政局在9天内循环接待');

    const five = cityContext();
    five.addReception({ hostUnitId: 'unit-a', guestUnitIds: ['unit-b'], date: '2025-03-01' });
    five.addReception({ hostUnitId: 'unit-b', guestUnitIds: ['unit-c'], date: '2025-03-02' });
    five.addReception({ hostUnitId: 'unit-c', guestUnitIds: ['unit-d'], date: '2025-03-03' });
    five.addReception({ hostUnitId: 'unit-d', guestUnitIds: ['unit-e'], date: '2025-03-04' });
    const ea = five.addReception({ hostUnitId: 'unit-e', guestUnitIds: ['unit-a'], date: '2025-03-05' });
    expect(await model.evaluate(receptionTrigger(ea), five, settingsOf(model))).toEqual([]);
    expect(await model.evaluate(receptionTrigger(ea), five, settingsOf(model, { maxCycleLength: 5 }))).toHaveLength(1);

    const cities = cityContext();
    cities.addReception({ hostUnitId: 'unit-a', guestUnitIds: ['unit-hz'], date: '2025-03-01' });
    const back = cities.addReception({ hostUnitId: 'unit-hz', guestUnitIds: ['unit-a'], date: '2025-03-02' });
    expect(await model.evaluate(receptionTrigger(back), cities, settingsOf(model))).toEqual([]);
    expect(await model.evaluate(receptionTrigger(back), cities, settingsOf(model, { sameCityOnly: false }))).toHaveLength(1);
  });
});

describe('unusual-flow 异常聚集', () => {
  const model = new UnusualFlowModel();
  const visit = (ctx: InMemoryRiskContext, date: string, n: number): MealFact[] =>
    Array.from({ length: n }, (_, i) => ctx.addMeal({ dinerId: `d-${date}-${i}`, dinerUnitId: 'unit-a', canteenOwnerUnitId: 'unit-b', mealDate: date, scannedAt: `${date}T04:00:00.000Z` }));

  it('boundary: minCount visits without history do not fire, one more does', async () => {
    const ctx = cityContext();
    const ten = visit(ctx, '2025-03-03', 10);
    expect(await model.evaluate(mealTrigger(ten[9]), ctx, settingsOf(model))).toEqual([]);
    const [eleventh] = visit(ctx, '2025-03-03', 1);
    const [draft] = await model.evaluate(mealTrigger(eleventh), ctx, settingsOf(model));
    expect(draft.dedupeKey).toBe('unusual-flow:pair:unit-a:unit-b:2025-03-03');
    expect(draft.explanation).toContain('衢江区财政局人员于2025-03-03在柯城区教育局食堂就餐11人次');
  });

  it('compares with factor × the trailing daily mean', async () => {
    const ctx = cityContext();
    for (let d = 1; d <= 28; d += 1) visit(ctx, `2025-02-${String(d).padStart(2, '0')}`, 5); // mean 5/day → limit 15
    const fifteen = visit(ctx, '2025-03-01', 15);
    expect(await model.evaluate(mealTrigger(fifteen[14]), ctx, settingsOf(model))).toEqual([]);
    const [sixteenth] = visit(ctx, '2025-03-01', 1);
    expect(await model.evaluate(mealTrigger(sixteenth), ctx, settingsOf(model))).toHaveLength(1);
  });

  it('ignores a unit eating at its own canteen', async () => {
    const ctx = cityContext();
    const own = Array.from({ length: 20 }, () => ctx.addMeal({ dinerUnitId: 'unit-a', canteenOwnerUnitId: 'unit-a' }));
    expect(await model.evaluate(mealTrigger(own[19]), ctx, settingsOf(model))).toEqual([]);
  });

  describe('canteen visitor surge (v2)', () => {
    // canteen-a is owned by unit-b; visitors come from several other units so the pair half never fires
    const visitors = (ctx: InMemoryRiskContext, date: string, n: number): MealFact[] =>
      Array.from({ length: n }, (_, i) =>
        ctx.addMeal({ dinerId: `v-${date}-${i}`, dinerUnitId: `unit-v${i % 8}`, canteenId: 'canteen-a', canteenOwnerUnitId: 'unit-b', canteenRegionCode: '330802', mealDate: date, scannedAt: `${date}T04:${String(i % 60).padStart(2, '0')}:00.000Z` }),
      );
    const ownStaff = (ctx: InMemoryRiskContext, date: string, n: number): MealFact[] =>
      Array.from({ length: n }, (_, i) => ctx.addMeal({ dinerId: `o-${date}-${i}`, dinerUnitId: 'unit-b', canteenId: 'canteen-a', canteenOwnerUnitId: 'unit-b', mealDate: date }));
    const history = (ctx: InMemoryRiskContext, days: number, perDay: number): void => {
      for (let d = 1; d <= days; d += 1) {
        const date = `2025-02-${String(d).padStart(2, '0')}`;
        ownStaff(ctx, date, 3);
        visitors(ctx, date, perDay);
      }
    };
    const canteenDrafts = async (ctx: InMemoryRiskContext, meal: MealFact, thresholds = {}) =>
      (await model.evaluate(mealTrigger(meal), ctx, settingsOf(model, thresholds))).filter((d) => d.subjectType === 'canteen');

    it('fires when visitors exceed canteenFactor × visitors per active day, with evidence and a Chinese explanation', async () => {
      const ctx = cityContext();
      history(ctx, 20, 12); // 12 visitors per active day → limit max(30, 36) = 36
      const day = visitors(ctx, '2025-03-01', 36);
      expect(await canteenDrafts(ctx, day[35])).toEqual([]);
      const [surge] = visitors(ctx, '2025-03-01', 1);
      const [draft, ...rest] = await canteenDrafts(ctx, surge);
      expect(rest).toHaveLength(0);
      expect(draft).toMatchObject({
        dedupeKey: 'unusual-flow:canteen:canteen-a:2025-03-01',
        subjectType: 'canteen',
        subjectId: 'canteen-a',
        subjectName: 'A食堂',
        regionCode: '330802',
        businessDate: '2025-03-01',
      });
      expect(draft.evidence).toHaveLength(37);
      expect(draft.evidence.every((e) => e.kind === 'meal' && e.date === '2025-03-01')).toBe(true);
      expect(draft.explanation).toContain('A食堂于2025-03-01接待外单位就餐37人次，远高于此前28天内20个开餐日的日均12.0人次（阈值36.0');
    });

    it('boundary: canteenMinVisitors applies when the history is quiet; own staff never count as visitors', async () => {
      const ctx = cityContext();
      history(ctx, 10, 1);
      ownStaff(ctx, '2025-03-01', 100);
      const day = visitors(ctx, '2025-03-01', 30);
      expect(await canteenDrafts(ctx, day[29])).toEqual([]);
      const [one] = visitors(ctx, '2025-03-01', 1);
      expect(await canteenDrafts(ctx, one)).toHaveLength(1);
    });

    it('near-misses: too little history (fresh start) and a day that is only somewhat busier do not fire', async () => {
      const fresh = cityContext();
      history(fresh, 4, 1); // 4 active days < canteenMinHistoryDays 5
      const many = visitors(fresh, '2025-03-01', 80);
      expect(await canteenDrafts(fresh, many[79])).toEqual([]);
      expect(await canteenDrafts(fresh, many[79], { canteenMinHistoryDays: 4 })).toHaveLength(1);

      const busy = cityContext();
      history(busy, 20, 20); // limit 60
      const day = visitors(busy, '2025-03-01', 55);
      expect(await canteenDrafts(busy, day[54])).toEqual([]);
      // voided visits do not count
      const voided = Array.from({ length: 10 }, (_, i) => busy.addMeal({ dinerId: `x-${i}`, dinerUnitId: 'unit-v1', canteenId: 'canteen-a', canteenOwnerUnitId: 'unit-b', mealDate: '2025-03-01', voidedAt: '2025-03-01T05:00:00.000Z' }));
      expect(voided).toHaveLength(10);
      expect(await canteenDrafts(busy, day[54])).toEqual([]);
    });

    it('does not count visits outside the baseline window or at other canteens', async () => {
      const ctx = cityContext();
      for (let d = 1; d <= 10; d += 1) ownStaff(ctx, `2025-02-${String(d + 10).padStart(2, '0')}`, 2);
      // a busy January is outside the 28-day window before 2025-03-01
      for (let d = 1; d <= 20; d += 1) visitors(ctx, `2025-01-${String(d).padStart(2, '0')}`, 50);
      Array.from({ length: 40 }, (_, i) => ctx.addMeal({ dinerId: `b-${i}`, dinerUnitId: 'unit-v2', canteenId: 'canteen-b', canteenOwnerUnitId: 'unit-b', mealDate: '2025-03-01' }));
      const day = visitors(ctx, '2025-03-01', 31);
      expect(await canteenDrafts(ctx, day[30])).toHaveLength(1);
    });

    it('refuses bad canteen thresholds', () => {
      expect(model.parseThresholds({ ...model.defaultThresholds, canteenFactor: 0.5 }).errors.map((e) => e.field)).toEqual(['canteenFactor']);
      expect(model.parseThresholds({ ...model.defaultThresholds, canteenMinHistoryDays: 30 }).errors.map((e) => e.field)).toEqual(['canteenMinHistoryDays']);
      expect(model.parseThresholds({ minCount: 10, factor: 3, baselineDays: 28 }).errors.map((e) => e.field).sort()).toEqual(['canteenFactor', 'canteenMinHistoryDays', 'canteenMinVisitors']);
    });
  });
});

describe('region codes', () => {
  it('finds the smallest common region', () => {
    expect(commonRegionOf(['330802', '330803'])).toBe('330800');
    expect(commonRegionOf(['330802', '330802001'])).toBe('330802');
    expect(commonRegionOf(['330802001', '330802002'])).toBe('330802');
    expect(commonRegionOf(['330802001001', '330802001002'])).toBe('330802001');
  });
});
