import { DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';

export enum SeedErrorCode {
  DatabaseNotEmpty = 'SEED_DATABASE_NOT_EMPTY',
  InvalidOptions = 'SEED_INVALID_OPTIONS',
}

/** Seeding is refused, not repeated, when the organisation tables already hold data. */
export class SeedDatabaseNotEmptyException extends DomainException {
  constructor(counts: Record<string, number>) {
    const found = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([table, n]) => `${table}: ${n}`)
      .join(', ');
    super(
      SeedErrorCode.DatabaseNotEmpty,
      DomainErrorKind.Conflict,
      `数据库已有组织数据 (${found}), 拒绝重复生成演示数据。The database already holds organisation data (${found}); seed into an empty, freshly migrated database.`,
    );
  }
}

export class SeedInvalidOptionsException extends DomainException {
  constructor(message: string) {
    super(SeedErrorCode.InvalidOptions, DomainErrorKind.Validation, message);
  }
}
