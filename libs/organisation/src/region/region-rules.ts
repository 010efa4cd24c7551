import { RegionLevel } from './region-level.enum';

/** The level a region's parent must have; a city has no parent. */
export const PARENT_LEVEL: Readonly<Record<RegionLevel, RegionLevel | null>> = {
  [RegionLevel.City]: null,
  [RegionLevel.County]: RegionLevel.City,
  [RegionLevel.Township]: RegionLevel.County,
  [RegionLevel.Village]: RegionLevel.Township,
};

/** Digits in the code of a region of each level: 330800, 330802, 330802001, 330802001001. */
export const CODE_LENGTH: Readonly<Record<RegionLevel, number>> = {
  [RegionLevel.City]: 6,
  [RegionLevel.County]: 6,
  [RegionLevel.Township]: 9,
  [RegionLevel.Village]: 12,
};

export interface RegionPlacementViolation {
  field: 'code' | 'level' | 'parentCode';
  message: string;
}

export interface ParentSummary {
  code: string;
  level: RegionLevel;
}

/**
 * Checks that a region's level, code and parent fit together; returns the first violation or undefined.
 * City: 6 digits ending in 00, no parent. County: 6 digits sharing the city's first 4. Township: 9 digits
 * starting with the county code. Village: 12 digits starting with the township code.
 */
export function checkRegionPlacement(code: string, level: RegionLevel, parent: ParentSummary | null): RegionPlacementViolation | undefined {
  const expectedParent = PARENT_LEVEL[level];
  if (expectedParent === null && parent !== null) {
    return { field: 'parentCode', message: `市级行政区划不能有上级 (a ${level} region has no parent)` };
  }
  if (expectedParent !== null && parent === null) {
    return { field: 'parentCode', message: `${level} 级行政区划必须有 ${expectedParent} 级上级 (a ${level} region needs a ${expectedParent} parent)` };
  }
  if (parent !== null && parent.level !== expectedParent) {
    return {
      field: 'parentCode',
      message: `上级 ${parent.code} 是 ${parent.level} 级, ${level} 级的上级必须是 ${String(expectedParent)} 级 (the parent of a ${level} must be a ${String(expectedParent)}, ${parent.code} is a ${parent.level})`,
    };
  }
  const length = CODE_LENGTH[level];
  if (!/^\d+$/.test(code) || code.length !== length) {
    return { field: 'code', message: `${level} 级行政区划代码必须是 ${length} 位数字 (a ${level} code has ${length} digits)` };
  }
  if (level === RegionLevel.City && !code.endsWith('00')) {
    return { field: 'code', message: '市级行政区划代码以 00 结尾 (a city code ends in 00)' };
  }
  if (level === RegionLevel.County && parent !== null) {
    if (code.slice(0, 4) !== parent.code.slice(0, 4) || code.endsWith('00')) {
      return { field: 'code', message: `县级代码必须以 ${parent.code.slice(0, 4)} 开头且不以 00 结尾 (a county code starts with its city's first 4 digits)` };
    }
  }
  if ((level === RegionLevel.Township || level === RegionLevel.Village) && parent !== null && !code.startsWith(parent.code)) {
    return { field: 'code', message: `代码必须以上级代码 ${parent.code} 开头 (the code must start with the parent's code)` };
  }
  return undefined;
}
