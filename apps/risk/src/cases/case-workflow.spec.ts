import { CaseAction, CaseState, CaseStatus, decide } from './case-workflow';

const ME = 'me-0000';
const OTHER = 'other-0000';
const state = (status: CaseStatus, assigneeId: string | null = null): CaseState => ({ id: 'c1', status, assigneeId });

describe('case workflow rules', () => {
  it.each<[CaseAction, CaseState, boolean, CaseStatus, string | null]>([
    ['take', state('new'), false, 'assigned', ME],
    ['assign', state('new'), true, 'assigned', OTHER],
    ['assign', state('investigating', ME), true, 'assigned', OTHER],
    ['start', state('assigned', ME), false, 'investigating', ME],
    ['close', state('investigating', ME), false, 'closed', ME],
    ['close', state('new'), true, 'closed', null],
    ['reopen', state('closed', ME), false, 'assigned', ME],
    ['reopen', state('closed'), true, 'new', null],
  ])('%s from %j (lead %s) → %s', (action, from, lead, to, assignee) => {
    expect(decide(action, from, { id: ME, lead }, OTHER)).toEqual({ ok: true, status: to, assigneeId: assignee });
  });

  it.each<[CaseAction, CaseState, boolean, string]>([
    ['take', state('assigned', OTHER), false, 'transition'],
    ['take', state('closed', OTHER), true, 'transition'],
    ['assign', state('new'), false, 'lead-required'],
    ['assign', state('closed', OTHER), true, 'transition'],
    ['start', state('new'), false, 'transition'],
    ['start', state('investigating', ME), false, 'transition'],
    ['start', state('assigned', OTHER), false, 'not-assignee'],
    ['start', state('assigned', OTHER), true, 'not-assignee'],
    ['close', state('assigned', ME), false, 'transition'],
    ['close', state('investigating', OTHER), false, 'not-assignee'],
    ['close', state('closed', ME), true, 'transition'],
    ['reopen', state('investigating', ME), true, 'transition'],
    ['reopen', state('closed', OTHER), false, 'not-assignee'],
  ])('%s from %j (lead %s) is refused: %s', (action, from, lead, reason) => {
    expect(decide(action, from, { id: ME, lead }, OTHER)).toEqual({ ok: false, reason });
  });
});
