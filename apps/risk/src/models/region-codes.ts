/** Segment boundaries of a 12-digit region code: province, city, county, township, village. */
const BOUNDARIES = [2, 4, 6, 9, 12];

/** The city part of a region code (first `length` digits, 4 by default: 3308xx → 3308). */
export function cityPrefixOf(regionCode: string, length = 4): string {
  return regionCode.slice(0, length);
}

/**
 * The smallest region containing every code, as a region code (6, 9 or 12 digits): 330802 + 330803 → 330800,
 * 330802 + 330802001 → 330802.
 */
export function commonRegionOf(codes: readonly string[]): string {
  if (codes.length === 0) throw new Error('no region codes');
  let common = codes[0];
  for (const code of codes.slice(1)) {
    let i = 0;
    while (i < common.length && i < code.length && common[i] === code[i]) i += 1;
    common = common.slice(0, i);
  }
  const boundary = [...BOUNDARIES].reverse().find((b) => b <= common.length) ?? 0;
  const prefix = common.slice(0, boundary);
  return prefix.length <= 6 ? prefix.padEnd(6, '0') : prefix.padEnd(prefix.length <= 9 ? 9 : 12, '0');
}
