import { DynamicModule, FactoryProvider, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { MEAL_CODE_CLOCK, systemMealCodeClock } from './meal-code.clock';
import { MealCodeController, MealCodeToolsController } from './meal-code.controller';
import { MEAL_CODE_OPTIONS, MealCodeOptions, resolveMealCodeOptions } from './meal-code.options';
import { MealCodeRenderer } from './meal-code.renderer';
import { MealCodeRepository } from './meal-code.repository';
import { MealCodeService } from './meal-code.service';
import { MealCodeSigner } from './meal-code-signer.service';

export interface MealCodeModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => Partial<MealCodeOptions> | Promise<Partial<MealCodeOptions>>;
}

const FEATURE_PROVIDERS: Provider[] = [
  { provide: MEAL_CODE_CLOCK, useValue: systemMealCodeClock },
  MealCodeSigner,
  MealCodeRepository,
  MealCodeRenderer,
  MealCodeService,
];

/**
 * 用餐码: issue, rotate, revoke, render and verify canteen meal codes. Needs the TypeORM connection
 * (DatabaseModule.forRoot) with the organisation tables and `meal_codes`. Exports MealCodeService
 * (verifyScannedCode is the entry point of the scanning step).
 */
@Module({})
export class MealCodeModule {
  /** With fixed options (defaults: see MealCodeOptions). */
  static forRoot(options: Partial<MealCodeOptions> = {}): DynamicModule {
    return {
      module: MealCodeModule,
      controllers: [MealCodeController, MealCodeToolsController],
      providers: [{ provide: MEAL_CODE_OPTIONS, useValue: resolveMealCodeOptions(options) }, ...FEATURE_PROVIDERS],
      exports: [MealCodeService],
    };
  }

  /** With options computed from other providers, e.g. `{ inject: [AppConfig], useFactory: (c: AppConfig) => c.mealCode }`. */
  static forRootAsync(async: MealCodeModuleAsyncOptions): DynamicModule {
    return {
      module: MealCodeModule,
      imports: async.imports ?? [],
      controllers: [MealCodeController, MealCodeToolsController],
      providers: [
        {
          provide: MEAL_CODE_OPTIONS,
          inject: async.inject ?? [],
          useFactory: async (...args: never[]) => resolveMealCodeOptions(await async.useFactory(...args)),
        },
        ...FEATURE_PROVIDERS,
      ],
      exports: [MealCodeService],
    };
  }
}
