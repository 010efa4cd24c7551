import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigValidationError, loadConfig } from '@meal/config';
import { DomainExceptionFilter } from '../errors/domain-exception.filter';
import { correlationMiddleware } from '../logging/correlation.middleware';
import { createHttpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { MetricsService } from '../metrics/metrics.service';
import { bodyGuard } from './body-guard.middleware';
import { bodyParserErrors } from './body-parser-errors.middleware';
import { isClusterPrimaryOf, runClusterPrimary } from './service-cluster';
import { createValidationPipe } from './validation.pipe';

export interface ServiceDescription {
  title: string;
  description: string;
}

/**
 * Everything every HTTP service does the same way: request metrics, JSON logs, correlation ids, body size and depth
 * limits, validation, error bodies, OpenAPI at /docs (JSON at /docs-json), graceful shutdown.
 */
export function configureHttpApp(app: NestExpressApplication, description: ServiceDescription): void {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.use(createHttpMetricsMiddleware(app.get(MetricsService)));
  app.use(correlationMiddleware);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.useBodyParser('json', { limit: config.http.bodyLimitBytes, strict: true });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimitBytes, extended: false });
  app.useBodyParser('text', { limit: config.http.bodyLimitBytes * 50, type: ['text/csv', 'text/plain'] });
  app.use(bodyParserErrors);
  app.use(bodyGuard);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainExceptionFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(description.title)
      .setDescription(description.description)
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/**
 * Creates, configures and starts a service on its port. The module is built inside, so that a configuration
 * error stops the process with its list of bad values (one line each) rather than a stack trace: the
 * environment is validated once before Nest starts (the same validation ConfigModule runs).
 *
 * With `workers` above 1 this process becomes a cluster primary (service-cluster.ts) that forks that many
 * processes of the same script, each of which starts the service on the shared port; it then returns undefined.
 */
export async function bootstrapService(
  module: () => Type<unknown> | DynamicModule,
  description: ServiceDescription,
  port: (config: AppConfig) => number,
  workers: (config: AppConfig) => number = () => 1,
): Promise<INestApplication | undefined> {
  try {
    const config = loadConfig();
    const processes = workers(config);
    if (isClusterPrimaryOf(processes)) {
      runClusterPrimary(processes, description.title, config.log.level);
      return undefined;
    }
    const app = await NestFactory.create<NestExpressApplication>(module(), { bufferLogs: true, bodyParser: false, abortOnError: false });
    configureHttpApp(app, description);
    await app.listen(port(app.get(AppConfig)), '0.0.0.0');
    return app;
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${description.title}: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
