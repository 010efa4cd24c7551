import { ScopeViolationException } from './auth.errors';
import { Principal } from './principal';
import { Role } from './role.enum';
import { assertCanteenScope, assertWithinJurisdiction, isRegionWithin, isWithinJurisdiction, regionPrefix } from './scope';

const terminal: Principal = { subject: 't1', kind: 'terminal', roles: [Role.Terminal], name: 'T', canteenId: 'canteen-a', tokenId: 'j' };
const diner: Principal = { subject: 's1', kind: 'staff', roles: [Role.Diner], name: 'D', unitId: 'u', tokenId: 'j' };
const inspector: Principal = { subject: 's2', kind: 'staff', roles: [Role.Diner, Role.Inspector], name: 'I', regionCode: '330802', tokenId: 'j' };

describe('assertCanteenScope', () => {
  it('lets a terminal act for its own canteen', () => {
    expect(() => assertCanteenScope(terminal, 'canteen-a')).not.toThrow();
  });

  it('refuses a terminal acting for another canteen with 403 CANTEEN_SCOPE_VIOLATION', () => {
    const error = (() => {
      try {
        assertCanteenScope(terminal, 'canteen-b');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ScopeViolationException);
    expect((error as ScopeViolationException).code).toBe('CANTEEN_SCOPE_VIOLATION');
  });

  it('refuses a terminal principal without a canteen', () => {
    expect(() => assertCanteenScope({ ...terminal, canteenId: undefined }, 'canteen-a')).toThrow(ScopeViolationException);
  });

  it('does not limit people', () => {
    expect(() => assertCanteenScope(diner, 'canteen-b')).not.toThrow();
  });
});

describe('jurisdiction', () => {
  it('computes region prefixes by segment', () => {
    expect(regionPrefix('330800')).toBe('3308');
    expect(regionPrefix('330802')).toBe('330802');
    expect(regionPrefix('330802001000')).toBe('330802001');
    expect(regionPrefix('330810')).toBe('330810');
  });

  it('contains a region and everything under it, nothing beside it', () => {
    expect(isRegionWithin('330800', '330802')).toBe(true);
    expect(isRegionWithin('330800', '330802001001')).toBe(true);
    expect(isRegionWithin('330802', '330802')).toBe(true);
    expect(isRegionWithin('330802', '330803')).toBe(false);
    expect(isRegionWithin('330802', '330800')).toBe(false);
    expect(isRegionWithin('330802', 'garbage')).toBe(false);
  });

  it('applies to inspectors only', () => {
    expect(isWithinJurisdiction(inspector, '330802001')).toBe(true);
    expect(isWithinJurisdiction(inspector, '330881')).toBe(false);
    expect(isWithinJurisdiction(diner, '330802')).toBe(false);
    expect(() => assertWithinJurisdiction(inspector, '330881')).toThrow(/outside/);
  });
});
