import { AlertSeverity, EvidenceKind } from '@meal/contracts';
import { RiskContext, Trigger, TriggerKind } from '../facts/fact.types';

/** What a warning is about. `unit-pair` and `unit-group` ids are the sorted unit ids joined by `+`. */
export const WARNING_SUBJECT_TYPES = ['diner', 'unit', 'unit-pair', 'unit-group', 'canteen'] as const;
export type WarningSubjectType = (typeof WARNING_SUBJECT_TYPES)[number];

export const SEVERITY_ORDER: readonly AlertSeverity[] = ['low', 'medium', 'high', 'critical'];

/** One step more severe (critical stays critical). */
export function raiseSeverity(severity: AlertSeverity): AlertSeverity {
  return SEVERITY_ORDER[Math.min(SEVERITY_ORDER.indexOf(severity) + 1, SEVERITY_ORDER.length - 1)];
}

/** One source record a warning rests on, with enough detail for an inspector to find it. */
export interface EvidenceItem {
  kind: EvidenceKind;
  /** mealId, claimId or recordId. */
  ref: string;
  /** The event that carried the record. */
  eventId: string;
  /** One line, Chinese. */
  summary: string;
  /** UTC instant (scans) when known. */
  occurredAt?: string;
  /** Asia/Shanghai calendar day (meal date, reception date) or trip range start. */
  date?: string;
  amountFen?: number;
  /** Any other detail: canteen name and coordinates, slot, trip range, overlapping days, units... */
  details: Record<string, unknown>;
}

/** What a model proposes; the evaluator adds model version, settings revision and the thresholds used. */
export interface WarningDraft {
  /** Deterministic and unique across all warnings: re-evaluation or redelivery can never create a second one. */
  dedupeKey: string;
  severity: AlertSeverity;
  subjectType: WarningSubjectType;
  subjectId: string;
  subjectName: string;
  /** Region code of the subject (jurisdiction of the inspectors who see it). */
  regionCode: string;
  /** Asia/Shanghai calendar day the warning is about (for date-range backtests and reports). */
  businessDate: string;
  evidence: EvidenceItem[];
  /** One line of Chinese for the inspector. */
  explanation: string;
}

/** The typed settings of a model, stored in risk_model_settings. */
export interface ModelSettings<T extends object = Record<string, unknown>> {
  key: string;
  enabled: boolean;
  severity: AlertSeverity;
  thresholds: T;
  /** 'all' or a region code prefix: only warnings whose subject region starts with it are raised. */
  scope: string;
  revision: number;
}

/** A threshold problem found by a model's validator: field name and message. */
export interface ThresholdError {
  field: string;
  message: string;
}

/** A versioned warning model. Implementations are stateless: state lives in the facts tables. */
export interface WarningModel<T extends object = Record<string, unknown>> {
  readonly key: string;
  readonly version: string;
  /** Chinese name for inspectors and the admin API. */
  readonly title: string;
  readonly description: string;
  /** The fact kinds that can make this model fire. */
  readonly triggers: readonly TriggerKind[];
  readonly defaultThresholds: T;
  /** Checks (and normalises) thresholds given by an admin or a backtest; returns errors or the typed value. */
  parseThresholds(raw: Record<string, unknown>): { value?: T; errors: ThresholdError[] };
  evaluate(trigger: Trigger, context: RiskContext, settings: ModelSettings<T>): Promise<WarningDraft[]>;
}
