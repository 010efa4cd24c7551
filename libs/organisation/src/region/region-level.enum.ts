/** 市·县·乡·村: the four levels of the administrative tree (and of canteens; a village canteen is a 廉政灶). */
export enum RegionLevel {
  City = 'city',
  County = 'county',
  Township = 'township',
  Village = 'village',
}

export const REGION_LEVELS: readonly RegionLevel[] = Object.values(RegionLevel);
