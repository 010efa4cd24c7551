import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_CONTRIBUTORS, HealthContributor } from './health-contributor';
import { HealthController } from './health.controller';

/** /health (database plus the given contributors, e.g. Kafka) and /health/live. */
@Module({})
export class HealthModule {
  static forRoot(options: { imports?: ModuleMetadata['imports']; contributors?: InjectionToken<HealthContributor>[] } = {}): DynamicModule {
    const contributors = options.contributors ?? [];
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_CONTRIBUTORS,
          inject: contributors,
          useFactory: (...found: HealthContributor[]) => found,
        },
      ],
    };
  }
}
