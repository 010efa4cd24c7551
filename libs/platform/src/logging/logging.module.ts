import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '@meal/config';
import { CORRELATION_HEADER, CorrelationContext } from './correlation-context';

/** Structured JSON logs (pino) with the service name and the correlation id on every line. */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.log.level,
              base: { service },
              messageKey: 'message',
              timestamp: () => `,"time":"${new Date().toISOString()}"`,
              mixin: () => {
                const correlationId = CorrelationContext.current();
                return correlationId ? { correlationId } : {};
              },
              genReqId: (req: IncomingMessage, res: ServerResponse) => {
                const id = CorrelationContext.accept(req.headers[CORRELATION_HEADER]);
                res.setHeader(CORRELATION_HEADER, id);
                return id;
              },
              autoLogging: { ignore: (req: IncomingMessage) => req.url === '/metrics' || req.url === '/health' },
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              serializers: {
                req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
            },
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
