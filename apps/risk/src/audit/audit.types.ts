/** What an audit entry records. Every state change of the inspectors' console writes exactly one entry per case it touches. */
export const AUDIT_ACTIONS = [
  'case.taken',
  'case.assigned',
  'case.started',
  'case.closed',
  'case.reopened',
  'case.note-added',
  'case.attachment-added',
  'case.snoozed',
  'case.exported',
  'snooze.lifted',
  'lead.granted',
  'lead.revoked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A field that changed: what it was and what it became. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** Who did something: the token subject (a staff id) and the name in the token. */
export interface AuditActor {
  id: string;
  name: string;
}

export interface NewAuditEntry {
  /** The case concerned; null for actions that concern no single case (lead grants). */
  caseId: string | null;
  actor: AuditActor;
  action: AuditAction;
  changes?: Record<string, FieldChange>;
  /** Anything else worth keeping: the note id, the attachment's name and hash, a bulk operation's id… */
  detail?: Record<string, unknown>;
}

export interface StoredAuditEntry {
  id: string;
  caseId: string | null;
  actorId: string;
  actorName: string;
  action: AuditAction;
  changes: Record<string, FieldChange>;
  detail: Record<string, unknown>;
  correlationId: string | null;
  at: string;
}
