import { DomainErrorKind, DomainException } from '@meal/platform/errors/domain.exception';

export enum RoleAssignmentErrorCode {
  NotFound = 'ROLE_ASSIGNMENT_NOT_FOUND',
  Duplicate = 'ROLE_ASSIGNMENT_DUPLICATE',
  InvalidScope = 'ROLE_ASSIGNMENT_INVALID_SCOPE',
}

export class RoleAssignmentNotFoundException extends DomainException {
  constructor(id: string) {
    const message = `角色分配 ${id} 不存在 (role assignment ${id} not found)`;
    super(RoleAssignmentErrorCode.NotFound, DomainErrorKind.NotFound, message, [{ message }]);
  }
}

export class RoleAssignmentDuplicateException extends DomainException {
  constructor(role: string) {
    const message = `该人员已有角色 ${role} (the staff member already has role ${role})`;
    super(RoleAssignmentErrorCode.Duplicate, DomainErrorKind.Conflict, message, [{ field: 'role', message }]);
  }
}

/** The region or unit given does not fit the role (an inspector needs a region; only settlement officers have a unit). */
export class RoleAssignmentInvalidScopeException extends DomainException {
  constructor(field: 'regionCode' | 'unitId', message: string) {
    super(RoleAssignmentErrorCode.InvalidScope, DomainErrorKind.Validation, message, [{ field, message }]);
  }
}
