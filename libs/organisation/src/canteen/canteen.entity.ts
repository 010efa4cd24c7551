import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { RegionLevel } from '../region/region-level.enum';

/** 食堂: a canteen of a unit, at one of four levels (a village canteen is a 廉政灶), with its geofence. */
@Entity({ name: 'canteens' })
export class Canteen {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'owner_unit_id', type: 'uuid' })
  ownerUnitId!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 12 })
  regionCode!: string;

  @Column({ type: 'text' })
  level!: RegionLevel;

  @Column({ type: 'double precision' })
  latitude!: number;

  @Column({ type: 'double precision' })
  longitude!: number;

  @Column({ name: 'geofence_radius_m', type: 'integer' })
  geofenceRadiusM!: number;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
