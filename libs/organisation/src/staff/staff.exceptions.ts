import { DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';

export enum StaffErrorCode {
  NotFound = 'STAFF_NOT_FOUND',
  Inactive = 'STAFF_INACTIVE',
  ExternalIdentityTaken = 'STAFF_EXTERNAL_IDENTITY_TAKEN',
  StaffNumberTaken = 'STAFF_NUMBER_TAKEN',
}

/** 404 when looked up by path; 400 naming `field` when referenced from a body. */
export class StaffNotFoundException extends DomainException {
  constructor(id: string, field?: string) {
    const message = `人员 ${id} 不存在 (staff member ${id} not found)`;
    super(StaffErrorCode.NotFound, field ? DomainErrorKind.Validation : DomainErrorKind.NotFound, message, [{ field, message }]);
  }
}

export class StaffInactiveException extends DomainException {
  constructor(id: string, field: string) {
    const message = `人员 ${id} 已停用 (staff member ${id} is inactive)`;
    super(StaffErrorCode.Inactive, DomainErrorKind.Validation, message, [{ field, message }]);
  }
}

export class StaffExternalIdentityTakenException extends DomainException {
  constructor(externalIdentityId: string) {
    const message = `浙政钉账号 ${externalIdentityId} 已绑定其他人员 (external identity ${externalIdentityId} is already used)`;
    super(StaffErrorCode.ExternalIdentityTaken, DomainErrorKind.Conflict, message, [{ field: 'externalIdentityId', message }]);
  }
}

export class StaffNumberTakenException extends DomainException {
  constructor(staffNumber: string) {
    const message = `工号 ${staffNumber} 在该单位已存在 (staff number ${staffNumber} already exists in the unit)`;
    super(StaffErrorCode.StaffNumberTaken, DomainErrorKind.Conflict, message, [{ field: 'staffNumber', message }]);
  }
}
