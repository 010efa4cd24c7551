/**
 * The case workflow (线索处置): new → assigned → investigating → closed (confirmed / dismissed / inconclusive), reopen.
 * Pure rules, no I/O: the service loads the case under a row lock, asks `decide`, then writes the result and its audit entry.
 */
export const CASE_STATUSES = ['new', 'assigned', 'investigating', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const OPEN_STATUSES: readonly CaseStatus[] = ['new', 'assigned', 'investigating'];

export const CASE_RESOLUTIONS = ['confirmed', 'dismissed', 'inconclusive'] as const;
export type CaseResolution = (typeof CASE_RESOLUTIONS)[number];

export type CaseAction = 'take' | 'assign' | 'start' | 'close' | 'reopen';

/** The parts of a case the rules look at. */
export interface CaseState {
  id: string;
  status: CaseStatus;
  assigneeId: string | null;
}

/** Who acts: their staff id and whether they are an inspector lead. */
export interface CaseActor {
  id: string;
  lead: boolean;
}

export type Decision =
  | { ok: true; status: CaseStatus; assigneeId: string | null }
  | { ok: false; reason: 'transition' | 'not-assignee' | 'lead-required' };

/**
 * - take (an inspector takes a new case for themself): new → assigned, assignee = actor;
 * - assign (lead only): new / assigned / investigating → assigned, assignee = the chosen inspector;
 * - start (the assignee): assigned → investigating;
 * - close (the assignee from investigating; a lead from any open status, e.g. a bulk dismissal): → closed;
 * - reopen (a lead or the last assignee): closed → assigned to the last assignee, or new when there was none.
 */
export function decide(action: CaseAction, state: CaseState, actor: CaseActor, assigneeId?: string): Decision {
  const refuse = (reason: 'transition' | 'not-assignee' | 'lead-required'): Decision => ({ ok: false, reason });
  const isAssignee = state.assigneeId !== null && state.assigneeId === actor.id;
  switch (action) {
    case 'take':
      return state.status === 'new' ? { ok: true, status: 'assigned', assigneeId: actor.id } : refuse('transition');
    case 'assign':
      if (!actor.lead) return refuse('lead-required');
      if (state.status === 'closed') return refuse('transition');
      if (!assigneeId) return refuse('transition');
      return { ok: true, status: 'assigned', assigneeId };
    case 'start':
      if (state.status !== 'assigned') return refuse('transition');
      return isAssignee ? { ok: true, status: 'investigating', assigneeId: state.assigneeId } : refuse('not-assignee');
    case 'close':
      if (state.status === 'closed') return refuse('transition');
      if (actor.lead) return { ok: true, status: 'closed', assigneeId: state.assigneeId };
      if (!isAssignee) return refuse('not-assignee');
      return state.status === 'investigating' ? { ok: true, status: 'closed', assigneeId: state.assigneeId } : refuse('transition');
    case 'reopen':
      if (state.status !== 'closed') return refuse('transition');
      if (!actor.lead && !isAssignee) return refuse('not-assignee');
      return { ok: true, status: state.assigneeId ? 'assigned' : 'new', assigneeId: state.assigneeId };
  }
}
