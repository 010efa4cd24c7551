import { AlertEvidenceV1, AlertSeverity, AlertSubjectType, createEvent, EventOf, EventTypes, isUtcTimestamp } from '@meal/contracts';
import { StoredWarning } from '../warnings/warning.repository';

const MAX_EVIDENCE = 200;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The contract's subject types: pairs and groups of units are published as their first unit (the ids are in the evidence). */
function subjectOf(w: StoredWarning): { subjectType: AlertSubjectType; subjectId: string } {
  switch (w.subjectType) {
    case 'diner':
    case 'unit':
    case 'canteen':
      return { subjectType: w.subjectType, subjectId: w.subjectId };
    default:
      return { subjectType: 'unit', subjectId: w.subjectId.split(/[+>]/)[0] };
  }
}

/** The `risk.alert-raised` v1 event of a stored warning (aggregate: the case, so one case's alerts stay in order). */
export function alertEventOf(w: StoredWarning, correlationId?: string): EventOf<'risk.alert-raised', 1> {
  const evidence: AlertEvidenceV1[] = w.evidence.slice(0, MAX_EVIDENCE).map((e) => {
    const item: AlertEvidenceV1 = { kind: e.kind, ref: e.ref, summary: clip(e.summary, 500) };
    if (e.amountFen !== undefined) item.amountFen = e.amountFen;
    if (e.occurredAt !== undefined && isUtcTimestamp(e.occurredAt)) item.occurredAt = e.occurredAt;
    return item;
  });
  return createEvent(
    EventTypes.RiskAlertRaised,
    1,
    w.caseId,
    {
      alertId: w.id,
      caseId: w.caseId,
      model: w.modelKey,
      modelVersion: w.modelVersion,
      severity: w.severity as AlertSeverity,
      ...subjectOf(w),
      jurisdictionRegionCode: w.regionCode,
      explanation: clip(w.explanation, 2000),
      evidence,
      raisedAt: w.raisedAt,
    },
    correlationId === undefined ? {} : { correlationId },
  );
}
