import { MEAL_PRICE_CAP_FEN } from '../canteen/meal-price-policy';
import { checkRegionPlacement } from '../region/region-rules';
import { RegionLevel } from '../region/region-level.enum';
import { countyPlan, generateDemoCity } from './demo-city.generator';
import { mulberry32, SeededRandom } from './seeded-random';

describe('seeded PRNG', () => {
  it('gives the same sequence for the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('gives a different sequence for a different seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(43);
    expect(Array.from({ length: 10 }, () => b())).not.toEqual(Array.from({ length: 10 }, () => a()));
  });

  it('draws deterministic version-4 uuids and whole numbers in range', () => {
    const r = new SeededRandom(7);
    const uuid = r.uuid();
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new SeededRandom(7).uuid()).toBe(uuid);
    const ints = Array.from({ length: 1000 }, () => r.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
  });
});

describe('demo city generator', () => {
  it('is deterministic: same seed → identical output, different seed → different', () => {
    const a = generateDemoCity(1, 0.2);
    expect(generateDemoCity(1, 0.2)).toEqual(a);
    const b = generateDemoCity(2, 0.2);
    expect(b.regions.map((r) => r.name)).not.toEqual(a.regions.map((r) => r.name));
  });

  it('plans counties from the scale', () => {
    expect(countyPlan(1)).toEqual({ counties: 6, density: 1 });
    expect(countyPlan(10).counties).toBe(60);
    expect(countyPlan(0.05).counties).toBe(1);
    expect(countyPlan(0.05).density).toBeCloseTo(0.3);
  });

  const city = generateDemoCity(20220701, 1);

  it('builds Quzhou with its real county codes and the expected sizes at scale 1', () => {
    const counties = city.regions.filter((r) => r.level === RegionLevel.County).map((r) => `${r.code} ${r.name}`);
    expect(counties).toEqual(['330802 柯城区', '330803 衢江区', '330822 常山县', '330824 开化县', '330825 龙游县', '330881 江山市']);
    expect(city.regions[0]).toEqual({ code: '330800', name: '衢州市', level: RegionLevel.City, parentCode: null });
    expect(city.canteens.length).toBeGreaterThan(480);
    expect(city.canteens.length).toBeLessThan(640);
    expect(city.units.length).toBeGreaterThanOrEqual(300);
    expect(city.units.length).toBeLessThanOrEqual(400);
    expect(city.staff.length).toBeGreaterThan(25_000);
    expect(city.staff.length).toBeLessThan(35_000);
  });

  it('keeps every rule the service enforces', () => {
    const byCode = new Map(city.regions.map((r) => [r.code, r]));
    for (const region of city.regions) {
      const parent = region.parentCode ? byCode.get(region.parentCode) ?? null : null;
      expect(checkRegionPlacement(region.code, region.level, parent)).toBeUndefined();
    }
    for (const slot of city.mealSlots) {
      expect(slot.visitorPriceFen).toBeLessThanOrEqual(MEAL_PRICE_CAP_FEN[slot.slot]);
      expect(slot.staffPriceFen).toBeLessThan(slot.visitorPriceFen);
      expect(slot.closesAt > slot.opensAt).toBe(true);
    }
    for (const canteen of city.canteens) {
      expect(byCode.get(canteen.regionCode)?.level).toBe(canteen.level);
      expect(canteen.geofenceRadiusM).toBeGreaterThanOrEqual(50);
      expect(canteen.geofenceRadiusM).toBeLessThanOrEqual(300);
    }
    expect(new Set(city.staff.map((s) => s.externalIdentityId)).size).toBe(city.staff.length);
    expect(new Set(city.canteens.map((c) => c.code)).size).toBe(city.canteens.length);
    const withTerminal = new Set(city.terminals.map((t) => t.canteenId));
    expect(city.canteens.every((c) => withTerminal.has(c.id))).toBe(true);
  });

  it('has the documented demo identities', () => {
    const ids = city.demoIdentities.map((d) => d.externalIdentityId);
    expect(ids).toEqual(expect.arrayContaining(['zzd-admin', 'zzd-inspector-city', 'zzd-settlement', 'zzd-diner-1', 'zzd-inspector-330802']));
    const inspector = city.demoIdentities.find((d) => d.externalIdentityId === 'zzd-inspector-city');
    expect(inspector?.regionCode).toBe('330800');
    expect(inspector?.roles).toEqual(['diner', 'inspector']);
  });

  it('grows into other Zhejiang cities beyond scale 1', () => {
    const province = generateDemoCity(5, 2);
    const counties = province.regions.filter((r) => r.level === RegionLevel.County);
    expect(counties).toHaveLength(12);
    expect(province.regions.filter((r) => r.level === RegionLevel.City).map((r) => r.code)).toEqual(
      expect.arrayContaining(['330800', '330100']),
    );
  });
});
