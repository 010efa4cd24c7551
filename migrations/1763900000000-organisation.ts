import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation schema: the administrative region tree (市·县·乡·村), units, staff, canteens with their
 * meal slots and price caps, canteen terminals and role assignments. Hand-written SQL; `down` drops all of it.
 */
export class Organisation1763900000000 implements MigrationInterface {
  name = 'Organisation1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE regions (
        code varchar(12) NOT NULL,
        name text NOT NULL,
        level text NOT NULL,
        parent_code varchar(12) NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_regions PRIMARY KEY (code),
        CONSTRAINT fk_regions_parent FOREIGN KEY (parent_code) REFERENCES regions (code),
        CONSTRAINT ck_regions_level CHECK (level IN ('city', 'county', 'township', 'village')),
        CONSTRAINT ck_regions_city_has_no_parent CHECK ((level = 'city') = (parent_code IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX ix_regions_parent_code ON regions (parent_code)`);

    await queryRunner.query(`
      CREATE TABLE units (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name text NOT NULL,
        region_code varchar(12) NOT NULL,
        parent_unit_id uuid NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_units PRIMARY KEY (id),
        CONSTRAINT uq_units_code UNIQUE (code),
        CONSTRAINT fk_units_region FOREIGN KEY (region_code) REFERENCES regions (code),
        CONSTRAINT fk_units_parent FOREIGN KEY (parent_unit_id) REFERENCES units (id),
        CONSTRAINT ck_units_not_own_parent CHECK (parent_unit_id IS NULL OR parent_unit_id <> id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_units_region_code ON units (region_code)`);
    await queryRunner.query(`CREATE INDEX ix_units_parent_unit_id ON units (parent_unit_id)`);

    await queryRunner.query(`
      CREATE TABLE staff (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL,
        staff_number varchar(32) NOT NULL,
        external_identity_id varchar(64) NOT NULL,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_staff PRIMARY KEY (id),
        CONSTRAINT fk_staff_unit FOREIGN KEY (unit_id) REFERENCES units (id),
        CONSTRAINT uq_staff_external_identity_id UNIQUE (external_identity_id),
        CONSTRAINT uq_staff_unit_staff_number UNIQUE (unit_id, staff_number)
      )`);
    await queryRunner.query(`CREATE INDEX ix_staff_unit_id ON staff (unit_id)`);

    await queryRunner.query(`
      CREATE TABLE canteens (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name text NOT NULL,
        owner_unit_id uuid NOT NULL,
        region_code varchar(12) NOT NULL,
        level text NOT NULL,
        latitude double precision NOT NULL,
        longitude double precision NOT NULL,
        geofence_radius_m integer NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_canteens PRIMARY KEY (id),
        CONSTRAINT uq_canteens_code UNIQUE (code),
        CONSTRAINT fk_canteens_owner_unit FOREIGN KEY (owner_unit_id) REFERENCES units (id),
        CONSTRAINT fk_canteens_region FOREIGN KEY (region_code) REFERENCES regions (code),
        CONSTRAINT ck_canteens_level CHECK (level IN ('city', 'county', 'township', 'village')),
        CONSTRAINT ck_canteens_latitude CHECK (latitude BETWEEN -90 AND 90),
        CONSTRAINT ck_canteens_longitude CHECK (longitude BETWEEN -180 AND 180),
        CONSTRAINT ck_canteens_geofence_radius CHECK (geofence_radius_m BETWEEN 10 AND 5000)
      )`);
    await queryRunner.query(`CREATE INDEX ix_canteens_region_code ON canteens (region_code)`);
    await queryRunner.query(`CREATE INDEX ix_canteens_owner_unit_id ON canteens (owner_unit_id)`);

    await queryRunner.query(`
      CREATE TABLE canteen_meal_slots (
        canteen_id uuid NOT NULL,
        slot text NOT NULL,
        opens_at time NOT NULL,
        closes_at time NOT NULL,
        staff_price_fen integer NOT NULL,
        visitor_price_fen integer NOT NULL,
        CONSTRAINT pk_canteen_meal_slots PRIMARY KEY (canteen_id, slot),
        CONSTRAINT fk_canteen_meal_slots_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id) ON DELETE CASCADE,
        CONSTRAINT ck_canteen_meal_slots_slot CHECK (slot IN ('breakfast', 'lunch', 'dinner')),
        CONSTRAINT ck_canteen_meal_slots_hours CHECK (closes_at > opens_at),
        CONSTRAINT ck_canteen_meal_slots_staff_price CHECK (staff_price_fen >= 0),
        CONSTRAINT ck_canteen_meal_slots_visitor_price CHECK (visitor_price_fen >= 0),
        -- Zhejiang price caps: breakfast at most 20.00 yuan, lunch and dinner at most 40.00 yuan each.
        CONSTRAINT ck_canteen_meal_slots_price_cap CHECK (
          staff_price_fen <= CASE slot WHEN 'breakfast' THEN 2000 ELSE 4000 END
          AND visitor_price_fen <= CASE slot WHEN 'breakfast' THEN 2000 ELSE 4000 END
        )
      )`);

    await queryRunner.query(`
      CREATE TABLE terminals (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        canteen_id uuid NOT NULL,
        code varchar(32) NOT NULL,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_terminals PRIMARY KEY (id),
        CONSTRAINT uq_terminals_code UNIQUE (code),
        CONSTRAINT fk_terminals_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_terminals_canteen_id ON terminals (canteen_id)`);

    await queryRunner.query(`
      CREATE TABLE role_assignments (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL,
        role text NOT NULL,
        region_code varchar(12) NULL,
        unit_id uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_role_assignments PRIMARY KEY (id),
        CONSTRAINT fk_role_assignments_staff FOREIGN KEY (staff_id) REFERENCES staff (id),
        CONSTRAINT fk_role_assignments_region FOREIGN KEY (region_code) REFERENCES regions (code),
        CONSTRAINT fk_role_assignments_unit FOREIGN KEY (unit_id) REFERENCES units (id),
        CONSTRAINT uq_role_assignments_staff_role UNIQUE (staff_id, role),
        CONSTRAINT ck_role_assignments_role CHECK (role IN ('settlement_officer', 'inspector', 'admin')),
        CONSTRAINT ck_role_assignments_inspector_region CHECK (role <> 'inspector' OR region_code IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX ix_role_assignments_region_code ON role_assignments (region_code)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS role_assignments`);
    await queryRunner.query(`DROP TABLE IF EXISTS terminals`);
    await queryRunner.query(`DROP TABLE IF EXISTS canteen_meal_slots`);
    await queryRunner.query(`DROP TABLE IF EXISTS canteens`);
    await queryRunner.query(`DROP TABLE IF EXISTS staff`);
    await queryRunner.query(`DROP TABLE IF EXISTS units`);
    await queryRunner.query(`DROP TABLE IF EXISTS regions`);
  }
}
