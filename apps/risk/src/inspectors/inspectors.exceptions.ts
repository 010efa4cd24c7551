import { DomainErrorKind, DomainException } from '@meal/platform';

/** The staff member is not an active inspector (404). */
export class InspectorNotFoundException extends DomainException {
  constructor(staffId: string) {
    super('INSPECTOR_NOT_FOUND', DomainErrorKind.NotFound, `Staff ${staffId} is not an active inspector`);
  }
}

/** The action needs an inspector lead (risk_inspector_leads) (403). */
export class InspectorLeadRequiredException extends DomainException {
  constructor(action: string) {
    super('INSPECTOR_LEAD_REQUIRED', DomainErrorKind.Forbidden, `Only an inspector lead may ${action}`);
  }
}
