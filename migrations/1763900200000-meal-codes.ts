import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 用餐码: the versions of each canteen's signed QR meal code. At most one version per canteen is active
 * (partial unique index); a rotation supersedes the previous one with a grace period; a revocation is final.
 * Hand-written SQL; `down` drops it all.
 */
export class MealCodes1763900200000 implements MigrationInterface {
  name = 'MealCodes1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meal_codes (
        canteen_id uuid NOT NULL,
        version integer NOT NULL,
        token text NOT NULL,
        status text NOT NULL,
        issued_at timestamptz NOT NULL,
        superseded_at timestamptz NULL,
        grace_until timestamptz NULL,
        revoked_at timestamptz NULL,
        revoked_reason text NULL,
        CONSTRAINT pk_meal_codes PRIMARY KEY (canteen_id, version),
        CONSTRAINT fk_meal_codes_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id),
        CONSTRAINT ck_meal_codes_version CHECK (version >= 1),
        CONSTRAINT ck_meal_codes_status CHECK (status IN ('active', 'superseded', 'revoked')),
        CONSTRAINT ck_meal_codes_token CHECK (char_length(token) BETWEEN 16 AND 2048),
        CONSTRAINT ck_meal_codes_superseded CHECK (
          status <> 'superseded' OR (superseded_at IS NOT NULL AND grace_until IS NOT NULL)
        ),
        CONSTRAINT ck_meal_codes_grace CHECK (grace_until IS NULL OR (superseded_at IS NOT NULL AND grace_until >= superseded_at)),
        CONSTRAINT ck_meal_codes_revoked CHECK (
          (status = 'revoked') = (revoked_at IS NOT NULL)
          AND (revoked_at IS NULL) = (revoked_reason IS NULL)
        ),
        CONSTRAINT ck_meal_codes_revoked_reason CHECK (revoked_reason IS NULL OR char_length(revoked_reason) BETWEEN 1 AND 500)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_meal_codes_one_active ON meal_codes (canteen_id) WHERE status = 'active'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS meal_codes`);
  }
}
