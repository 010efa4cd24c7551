import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@meal/config';
import { buildDataSourceOptions, EntityList } from './data-source-options';

/** The TypeORM connection for a service, with that service's explicit entity list. Migrations run from the CLI. */
@Module({})
export class DatabaseModule {
  static forRoot(entities: EntityList): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => buildDataSourceOptions(config.database.url, entities, config.database.poolSize),
        }),
      ],
    };
  }
}
