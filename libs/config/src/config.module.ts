import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { EnvironmentVariables, validateEnvironment } from './environment.schema';

/**
 * Loads the environment (and an optional .env file) through @nestjs/config, validates it once at boot and
 * provides the typed AppConfig. `overrides` lets tests set values without touching process.env.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(overrides: Record<string, string> = {}): DynamicModule {
    let validated: EnvironmentVariables | undefined;
    const nestConfig = NestConfigModule.forRoot({
      cache: true,
      validate: (raw) => {
        validated = validateEnvironment({ ...raw, ...overrides });
        // AppConfig is the only way the services read configuration. What validate returns, @nestjs/config copies into
        // process.env (every key not yet there: overrides and defaults alike), so one app's overrides would leak into
        // the next app built in the same process (tests build several). Return nothing for it to copy.
        return {};
      },
    });
    return {
      module: ConfigModule,
      imports: [nestConfig],
      providers: [
        {
          provide: AppConfig,
          useFactory: async (): Promise<AppConfig> => {
            await nestConfig;
            if (!validated) throw new Error('configuration was not validated');
            return new AppConfig(validated);
          },
        },
      ],
      exports: [AppConfig],
    };
  }
}

/** For command-line tools and tests that run outside a Nest application. */
export function loadConfig(overrides: Record<string, string> = {}): AppConfig {
  return new AppConfig(validateEnvironment({ ...process.env, ...overrides }));
}
