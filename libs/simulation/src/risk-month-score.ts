import { ExpectedWarning, RiskMonthGroundTruth } from './risk-month';

/** A warning as the risk service stored it (risk_warnings.model_key, dedupe_key). */
export interface RaisedWarning {
  modelKey: string;
  dedupeKey: string;
}

export interface ModelScore {
  model: string;
  /** Warnings the injections must raise. */
  injected: number;
  found: number;
  /** Warnings raised that no injection explains. */
  falseWarnings: number;
  warnings: number;
  /** found / injected (1 when nothing was injected). */
  recall: number;
  /** (warnings − falseWarnings) / warnings (1 when nothing was raised). */
  precision: number;
  missed: string[];
  unexpected: string[];
}

export interface MonthScore {
  models: ModelScore[];
  total: Omit<ModelScore, 'model' | 'missed' | 'unexpected'>;
}

/** Compares the raised warnings with the ground truth, per model: injected, found, false warnings, precision, recall. */
export function scoreRiskMonth(truth: RiskMonthGroundTruth, raised: readonly RaisedWarning[]): MonthScore {
  const expected: ExpectedWarning[] = truth.injections.flatMap((i) => i.expected);
  const models = [...new Set([...truth.models, ...raised.map((w) => w.modelKey)])];
  const scores = models.map((model): ModelScore => {
    const want = new Set(expected.filter((e) => e.model === model).map((e) => e.dedupeKey));
    const got = new Set(raised.filter((w) => w.modelKey === model).map((w) => w.dedupeKey));
    const missed = [...want].filter((k) => !got.has(k)).sort();
    const unexpected = [...got].filter((k) => !want.has(k)).sort();
    const found = want.size - missed.length;
    return {
      model,
      injected: want.size,
      found,
      falseWarnings: unexpected.length,
      warnings: got.size,
      recall: want.size === 0 ? 1 : found / want.size,
      precision: got.size === 0 ? 1 : (got.size - unexpected.length) / got.size,
      missed,
      unexpected,
    };
  });
  const sum = (f: (s: ModelScore) => number): number => scores.reduce((a, s) => a + f(s), 0);
  const injected = sum((s) => s.injected);
  const found = sum((s) => s.found);
  const warnings = sum((s) => s.warnings);
  const falseWarnings = sum((s) => s.falseWarnings);
  return {
    models: scores,
    total: {
      injected,
      found,
      warnings,
      falseWarnings,
      recall: injected === 0 ? 1 : found / injected,
      precision: warnings === 0 ? 1 : (warnings - falseWarnings) / warnings,
    },
  };
}
