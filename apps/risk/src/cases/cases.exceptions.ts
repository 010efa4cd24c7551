import { DomainErrorKind, DomainException } from '@meal/platform';

/** No such case — or one outside the caller's jurisdiction, which is answered exactly the same way (404). */
export class CaseNotFoundException extends DomainException {
  constructor(id: string) {
    super('CASE_NOT_FOUND', DomainErrorKind.NotFound, `No case ${id}`);
  }
}

/** The action is not allowed from the case's current status (409). */
export class CaseTransitionNotAllowedException extends DomainException {
  constructor(caseId: string, action: string, status: string) {
    super('CASE_TRANSITION_NOT_ALLOWED', DomainErrorKind.Conflict, `Case ${caseId} is ${status}: ${action} is not allowed`, [{ field: 'status', message: `${action} from ${status}` }]);
  }
}

/** Only the inspector the case is assigned to (or a lead) may do this (403). */
export class NotCaseAssigneeException extends DomainException {
  constructor(caseId: string, action: string) {
    super('CASE_NOT_ASSIGNEE', DomainErrorKind.Forbidden, `Only the assigned inspector or a lead may ${action} case ${caseId}`);
  }
}

/** The chosen assignee is not an active inspector whose jurisdiction covers the case (422). */
export class CaseAssigneeNotEligibleException extends DomainException {
  constructor(assigneeId: string, caseId: string) {
    super('CASE_ASSIGNEE_NOT_ELIGIBLE', DomainErrorKind.Unprocessable, `Staff ${assigneeId} is not an active inspector whose jurisdiction covers case ${caseId}`, [
      { field: 'assigneeId', message: 'must be an active inspector covering the case region' },
    ]);
  }
}

/** "Take the next case" found no new case in the jurisdiction (404). */
export class CaseQueueEmptyException extends DomainException {
  constructor() {
    super('CASE_QUEUE_EMPTY', DomainErrorKind.NotFound, 'No new case is waiting in your jurisdiction');
  }
}

/** A closed case cannot be reopened while a newer open case of the same model and subject exists (409). */
export class CaseReopenConflictException extends DomainException {
  constructor(caseId: string, openCaseId: string) {
    super('CASE_REOPEN_CONFLICT', DomainErrorKind.Conflict, `Case ${caseId} cannot be reopened: case ${openCaseId} is open for the same model and subject`, [
      { field: 'id', message: `open case ${openCaseId}` },
    ]);
  }
}

/** An attachment that is too large, empty, of a type not allowed, or not valid base64 (400). */
export class AttachmentRejectedException extends DomainException {
  constructor(code: 'ATTACHMENT_TOO_LARGE' | 'ATTACHMENT_TYPE_NOT_ALLOWED' | 'ATTACHMENT_INVALID', message: string, field: string) {
    super(code, DomainErrorKind.Validation, message, [{ field, message }]);
  }
}

export class AttachmentNotFoundException extends DomainException {
  constructor(id: string) {
    super('ATTACHMENT_NOT_FOUND', DomainErrorKind.NotFound, `No attachment ${id}`);
  }
}

/** A snooze end date in the past or too far ahead (400). */
export class SnoozeUntilInvalidException extends DomainException {
  constructor(message: string) {
    super('SNOOZE_UNTIL_INVALID', DomainErrorKind.Validation, message, [{ field: 'until', message }]);
  }
}

/** The model is already snoozed for this subject (409). */
export class SnoozeExistsException extends DomainException {
  constructor(snoozeId: string) {
    super('SNOOZE_EXISTS', DomainErrorKind.Conflict, `The model is already snoozed for this subject (snooze ${snoozeId}); lift it first`);
  }
}
