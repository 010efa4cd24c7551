import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Response } from 'express';
import { DomainErrorKind, DomainException } from './domain.exception';
import { CorrelationContext } from '../logging/correlation-context';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  [DomainErrorKind.Validation]: HttpStatus.BAD_REQUEST,
  [DomainErrorKind.NotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorKind.Conflict]: HttpStatus.CONFLICT,
  [DomainErrorKind.Forbidden]: HttpStatus.FORBIDDEN,
  [DomainErrorKind.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [DomainErrorKind.Gone]: HttpStatus.GONE,
  [DomainErrorKind.Unprocessable]: HttpStatus.UNPROCESSABLE_ENTITY,
};

/** The error body every route answers with. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details: { field?: string; message: string }[];
  correlationId?: string;
}

/** Maps domain exceptions and Nest HTTP exceptions to one error body; hides internals of unexpected errors. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    body.correlationId = CorrelationContext.current();
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainException) {
      return { statusCode: STATUS_BY_KIND[exception.kind], code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const rawMessage = typeof raw === 'object' && raw !== null && 'message' in raw ? (raw as { message: unknown }).message : exception.message;
      const messages = Array.isArray(rawMessage) ? rawMessage.map(String) : [String(rawMessage)];
      const code = typeof raw === 'object' && raw !== null && 'code' in raw ? String((raw as { code: unknown }).code) : httpCode(status);
      const details = typeof raw === 'object' && raw !== null && 'details' in raw ? ((raw as { details: ErrorBody['details'] }).details) : messages.map((m) => ({ message: m }));
      return { statusCode: status, code, message: messages.join('; '), details };
    }
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', details: [] };
  }
}

function httpCode(status: number): string {
  const name = HttpStatus[status];
  return typeof name === 'string' ? name : `HTTP_${status}`;
}
