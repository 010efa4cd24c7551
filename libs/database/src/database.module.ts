import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@meal/config';
import { buildDataSourceOptions, EntityList } from './data-source-options';
import { guardPoolClientErrors } from './pool-client-errors';

/**
 * The TypeORM connection for a service, with that service's explicit entity list. Migrations run from the CLI. Every
 * pooled connection gets an error listener, so a terminated backend costs a retry, not the process.
 */
@Module({})
export class DatabaseModule {
  static forRoot(entities: EntityList): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => buildDataSourceOptions(config.database.url, entities, config.database.poolSize),
          // a terminated backend must not take the process down (see guardPoolClientErrors)
          dataSourceFactory: async (options) => {
            if (!options) throw new Error('no data source options');
            const dataSource = await new DataSource(options).initialize();
            guardPoolClientErrors(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}
