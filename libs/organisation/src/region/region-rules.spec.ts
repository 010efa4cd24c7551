import { RegionLevel } from './region-level.enum';
import { checkRegionPlacement } from './region-rules';

const city = { code: '330800', level: RegionLevel.City };
const county = { code: '330802', level: RegionLevel.County };
const township = { code: '330802001', level: RegionLevel.Township };

describe('region placement rules', () => {
  it('accepts the four levels under the right parents', () => {
    expect(checkRegionPlacement('330800', RegionLevel.City, null)).toBeUndefined();
    expect(checkRegionPlacement('330802', RegionLevel.County, city)).toBeUndefined();
    expect(checkRegionPlacement('330802001', RegionLevel.Township, county)).toBeUndefined();
    expect(checkRegionPlacement('330802001001', RegionLevel.Village, township)).toBeUndefined();
  });

  it('refuses a city with a parent and a county without one', () => {
    expect(checkRegionPlacement('330800', RegionLevel.City, city)?.field).toBe('parentCode');
    expect(checkRegionPlacement('330802', RegionLevel.County, null)?.field).toBe('parentCode');
  });

  it('refuses a parent of the wrong level', () => {
    expect(checkRegionPlacement('330802001', RegionLevel.Township, city)?.field).toBe('parentCode');
    expect(checkRegionPlacement('330802001001', RegionLevel.Village, county)?.field).toBe('parentCode');
    expect(checkRegionPlacement('330803', RegionLevel.County, county)?.field).toBe('parentCode');
  });

  it('refuses codes of the wrong length or outside the parent', () => {
    expect(checkRegionPlacement('330802001', RegionLevel.County, city)?.field).toBe('code');
    expect(checkRegionPlacement('330803001', RegionLevel.Township, county)?.field).toBe('code');
    expect(checkRegionPlacement('330902', RegionLevel.County, city)?.field).toBe('code');
    expect(checkRegionPlacement('330801', RegionLevel.City, null)?.field).toBe('code');
    expect(checkRegionPlacement('330800', RegionLevel.County, city)?.field).toBe('code');
  });
});
