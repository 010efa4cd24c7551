import { Injectable, Logger } from '@nestjs/common';
import { EventEnvelope, ParsedEvent } from '@meal/contracts';
import { OutboxWriter } from '@meal/kafka';
import { MetricsService } from '@meal/platform';
import { Counter, Histogram } from 'prom-client';
import { FactRepository, OrganisationCache, SqlRunner } from '../facts/fact.repository';
import { RiskContext, Trigger } from '../facts/fact.types';
import { ModelSettingsService } from '../model-settings/model-settings.service';
import { WARNING_MODELS } from '../models/warning-model.registry';
import { ModelSettings, WarningDraft, WarningModel } from '../models/warning-model';
import { StoredWarning, WarningRepository } from '../warnings/warning.repository';
import { alertEventOf } from './alert-event.mapper';

/** A model's draft for one event of a batch, stored at the batch's end. */
interface PendingDraft {
  event: ParsedEvent;
  model: WarningModel<object>;
  settings: ModelSettings<object>;
  draft: WarningDraft;
}

/** Whether a draft's subject region lies in a model's scope ('all' or a region code prefix). */
export function inScope(scope: string, regionCode: string): boolean {
  return scope === 'all' || regionCode.startsWith(scope);
}

/** Runs one model on one trigger in shadow mode: the drafts it would raise, scope applied. */
export async function shadowEvaluate(model: WarningModel<object>, trigger: Trigger, context: RiskContext, settings: ModelSettings<object>): Promise<WarningDraft[]> {
  if (!model.triggers.includes(trigger.kind)) return [];
  return (await model.evaluate(trigger, context, settings)).filter((d) => inScope(settings.scope, d.regionCode));
}

/** How long the live path trusts cached canteen and unit rows (names, coordinates, regions in explanations). */
export const ORGANISATION_CACHE_MS = 60_000;

/**
 * The advisory locks an event's work takes: its diner (meals, voids, claims) or the reception graph; a meal also
 * locks its canteen's day and its unit pair's day. Unusual flow counts meals that other partitions write at the same
 * time: without those two locks, two batches each holding part of a surge would each count below the threshold (a
 * transaction cannot see the other's uncommitted rows) and neither would raise it. With them, the later batch waits
 * for the earlier one to commit and then counts its meals too.
 */
export function lockKeyOf(event: ParsedEvent): string[] {
  switch (event.type) {
    case 'meal.scanned': {
      const p = event.payload;
      return [`diner:${p.dinerId}`, `canteen-day:${p.canteenId}:${p.mealDate}`, `unit-pair-day:${p.dinerUnitId}:${p.canteenOwnerUnitId}:${p.mealDate}`];
    }
    case 'meal.voided':
    case 'allowance.claim':
      return [`diner:${event.payload.dinerId}`];
    case 'reception.record':
      return ['receptions'];
    default:
      return [];
  }
}

/** The locks lockKeyOf gives a meal for unusual flow, shared by batches of other partitions (the rest are per diner or the reception graph). */
function isDayLock(key: string): boolean {
  return key.startsWith('canteen-day:') || key.startsWith('unit-pair-day:');
}

/**
 * The live path of a consumed event, inside its deduplication transaction: upsert the fact, evaluate every enabled
 * model it can trigger, store new warnings (unique dedupe key), group them into cases and write one
 * `risk.alert-raised` per new warning to the transactional outbox. All of it commits with the processed_events row.
 */
@Injectable()
export class EvaluationService {
  private readonly logger = new Logger('RiskEvaluation');
  private readonly raised: Counter<'model'>;
  private readonly latency: Histogram<'model'>;
  private readonly phases: Histogram<'phase'>;
  private organisation: { loadedAt: number; cache: OrganisationCache } | undefined;

  constructor(
    private readonly settings: ModelSettingsService,
    private readonly warnings: WarningRepository,
    private readonly outbox: OutboxWriter,
    metrics: MetricsService,
  ) {
    this.raised = metrics.counter('risk_warnings_raised_total', 'Warnings raised, by model', ['model']);
    this.latency = metrics.histogram('risk_warning_latency_seconds', 'From the triggering event occurredAt to the stored warning', ['model'], [
      0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 60,
    ]);
    this.phases = metrics.histogram('risk_batch_phase_seconds', 'Time of each phase of a consumed batch (lock: waiting for its advisory locks)', ['phase'], [
      0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
    ]);
  }

  /** Canteens and units (a few thousand rows, rarely changed) cached across batches for ORGANISATION_CACHE_MS. */
  private organisationCache(): OrganisationCache {
    if (!this.organisation || Date.now() - this.organisation.loadedAt > ORGANISATION_CACHE_MS) {
      this.organisation = { loadedAt: Date.now(), cache: { canteens: new Map(), units: new Map() } };
    }
    return this.organisation.cache;
  }

  /** Records the event's fact; returns the trigger to evaluate (none for verifications and voids). */
  async record(event: ParsedEvent, facts: FactRepository, lock = true): Promise<Trigger | undefined> {
    if (lock) {
      // in the two rounds handleBatch uses, so the two never wait for each other in a cycle
      const keys = lockKeyOf(event);
      await facts.lockAll(keys.filter((k) => !isDayLock(k)));
      await facts.lockAll(keys.filter((k) => isDayLock(k)));
    }
    switch (event.type) {
      case 'meal.scanned':
        return { kind: 'meal', eventId: event.eventId, meal: await facts.upsertMeal(event.eventId, event.payload) };
      case 'meal.voided':
        await facts.voidMeal(event.eventId, event.payload);
        return undefined;
      case 'allowance.claim':
        return { kind: 'claim', eventId: event.eventId, claim: await facts.upsertClaim(event.eventId, event.occurredAt, event.payload) };
      case 'reception.record':
        return { kind: 'reception', eventId: event.eventId, record: await facts.upsertReception(event.eventId, event.occurredAt, event.payload) };
      default:
        return undefined;
    }
  }

  /** Handles one consumed event in `sql`'s transaction; returns the warnings it newly raised. */
  handle(event: ParsedEvent, sql: SqlRunner): Promise<StoredWarning[]> {
    return this.handleBatch([event], sql);
  }

  /**
   * Handles consumed events (one partition's batch, in offset order) in `sql`'s transaction: takes the batch's locks
   * (two rounds, below), prefetches what the models ask about its meals, writes its scans in one statement, then
   * records and evaluates each event in turn with the cached model settings (organisation lookups are cached for the
   * batch) and stores the batch's warnings, cases and alerts in two statements. Returns the warnings newly raised.
   * The time of each phase is exported as risk_batch_phase_seconds{phase}.
   */
  async handleBatch(events: readonly ParsedEvent[], sql: SqlRunner): Promise<StoredWarning[]> {
    let mark = Date.now();
    const phase = (name: string): void => {
      const now = Date.now();
      this.phases.observe({ phase: name }, (now - mark) / 1000);
      mark = now;
    };
    const facts = new FactRepository(sql, this.organisationCache());
    // two rounds of locks: first the batch's own diners (and the reception graph), then the day locks that batches of
    // other partitions share (canteen days, unit pair days). The reads that need only the first are done in between, so
    // the day locks — which make concurrent batches wait for each other — are held for a shorter time. No deadlock: a
    // transaction waiting in the first round holds no day lock, and each round takes its locks in one fixed order.
    const keys = events.flatMap((e) => lockKeyOf(e));
    await facts.lockAll(keys.filter((k) => !isDayLock(k)));
    phase('lock');
    // under the locks: the batch's meal questions in a few queries, kept exact by the upserts below
    const scans = events.flatMap((e) => (e.type === 'meal.scanned' ? [{ eventId: e.eventId, payload: e.payload }] : []));
    const prefetched = await facts.prefetchMeals(scans.map((s) => s.payload));
    if (prefetched) await facts.prefetchStaff(scans.map((s) => s.payload.dinerId));
    phase('prefetch');
    await facts.lockAll(keys.filter((k) => isDayLock(k)));
    phase('daylock');
    if (prefetched) await facts.prefetchDayCounts(scans.map((s) => s.payload));
    phase('counts');
    // the scans in one statement, each hidden until its turn; voids and claims change or read meals, so with one in the batch each scan is written in turn
    if (prefetched && scans.length > 1 && !events.some((e) => e.type === 'meal.voided' || e.type === 'allowance.claim')) await facts.insertMeals(scans);
    phase('insert');
    const settings = await this.settings.typedSettings();
    const drafts: PendingDraft[] = [];
    for (const event of events) {
      // each event is recorded and evaluated before the next is recorded: a warning's trigger is the event that made it true
      const trigger = await this.record(event, facts, false);
      if (trigger) await this.evaluate(event, trigger, facts, settings, drafts);
    }
    phase('evaluate');
    const stored = await this.store(sql, drafts);
    phase('store');
    return stored;
  }

  /**
   * Evaluates every enabled model on one trigger and adds what they propose to `drafts` (the models read facts only,
   * never warnings, so the batch's warnings are stored together at its end, in the order they were raised).
   */
  private async evaluate(
    event: ParsedEvent,
    trigger: Trigger,
    facts: FactRepository,
    settings: ReadonlyMap<string, ModelSettings<object>>,
    drafts: PendingDraft[],
  ): Promise<void> {
    for (const model of WARNING_MODELS) {
      const s = settings.get(model.key);
      if (!s || !s.enabled) continue;
      for (const draft of await shadowEvaluate(model, trigger, facts, s)) drafts.push({ event, model, settings: s, draft });
    }
  }

  /**
   * Stores a batch's drafts in `sql`'s transaction in two statements, none per warning: a snoozed model stays silent
   * for the subject until the snooze's end date (no warning, no case opened or extended; each draft counts as
   * suppressed), new dedupe keys become warnings grouped into their open cases (WarningRepository.storeBatch), and one
   * `risk.alert-raised` per new warning goes to the outbox (they commit with the warnings). Returns the new warnings.
   */
  private async store(sql: SqlRunner, drafts: readonly PendingDraft[]): Promise<StoredWarning[]> {
    if (drafts.length === 0) return [];
    const results = await this.warnings.storeBatch(
      sql,
      drafts.map(({ event, model, settings: s, draft }) => ({
        modelKey: model.key,
        modelVersion: model.version,
        settingsRevision: s.revision,
        thresholds: s.thresholds,
        severity: draft.severity,
        subjectType: draft.subjectType,
        subjectId: draft.subjectId,
        subjectName: draft.subjectName,
        regionCode: draft.regionCode,
        dedupeKey: draft.dedupeKey,
        evidence: draft.evidence,
        explanation: draft.explanation,
        triggerEventId: event.eventId,
        businessDate: draft.businessDate,
      })),
    );
    const stored: StoredWarning[] = [];
    const alerts: EventEnvelope[] = [];
    const byEvent = new Map<string, string[]>();
    const now = Date.now();
    results.forEach((warning, i) => {
      if (!warning) return;
      const { event, model } = drafts[i];
      alerts.push(alertEventOf(warning, event.correlationId));
      stored.push(warning);
      this.raised.inc({ model: model.key });
      this.latency.observe({ model: model.key }, Math.max(0, (now - Date.parse(event.occurredAt)) / 1000));
      const keys = byEvent.get(event.eventId);
      if (keys) keys.push(warning.dedupeKey);
      else byEvent.set(event.eventId, [warning.dedupeKey]);
    });
    await this.outbox.write(sql, alerts);
    for (const [eventId, keys] of byEvent) this.logger.log(`event ${eventId} raised ${keys.join(', ')}`);
    return stored;
  }

}
