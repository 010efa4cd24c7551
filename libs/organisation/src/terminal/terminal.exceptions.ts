import { DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';

export enum TerminalErrorCode {
  NotFound = 'TERMINAL_NOT_FOUND',
  CodeTaken = 'TERMINAL_CODE_TAKEN',
}

export class TerminalNotFoundException extends DomainException {
  constructor(id: string) {
    const message = `终端 ${id} 不存在 (terminal ${id} not found)`;
    super(TerminalErrorCode.NotFound, DomainErrorKind.NotFound, message, [{ message }]);
  }
}

export class TerminalCodeTakenException extends DomainException {
  constructor(code: string) {
    const message = `终端代码 ${code} 已存在 (terminal code ${code} already exists)`;
    super(TerminalErrorCode.CodeTaken, DomainErrorKind.Conflict, message, [{ field: 'code', message }]);
  }
}
