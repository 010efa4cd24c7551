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
import { SnoozeRepository } from '../snoozes/snooze.repository';
import { alertEventOf } from './alert-event.mapper';

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
  private organisation: { loadedAt: number; cache: OrganisationCache } | undefined;

  constructor(
    private readonly settings: ModelSettingsService,
    private readonly warnings: WarningRepository,
    private readonly outbox: OutboxWriter,
    private readonly snoozes: SnoozeRepository,
    metrics: MetricsService,
  ) {
    this.raised = metrics.counter('risk_warnings_raised_total', 'Warnings raised, by model', ['model']);
    this.latency = metrics.histogram('risk_warning_latency_seconds', 'From the triggering event occurredAt to the stored warning', ['model'], [
      0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 60,
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
    if (lock) await facts.lockAll(lockKeyOf(event));
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
   * Handles consumed events (one partition's batch, in offset order) in `sql`'s transaction: takes every diner and
   * reception lock of the batch in one fixed order, prefetches what the models ask about its meals, then records and
   * evaluates each event in turn with the cached model settings (organisation lookups are cached for the batch).
   * Returns the warnings newly raised.
   */
  async handleBatch(events: readonly ParsedEvent[], sql: SqlRunner): Promise<StoredWarning[]> {
    const facts = new FactRepository(sql, this.organisationCache());
    await facts.lockAll(events.flatMap((e) => lockKeyOf(e)));
    // under the locks: the batch's meal questions in a few queries, kept exact by the upserts below
    const scans = events.flatMap((e) => (e.type === 'meal.scanned' ? [{ eventId: e.eventId, payload: e.payload }] : []));
    const prefetched = await facts.prefetchMeals(scans.map((s) => s.payload));
    // the scans in one statement, each hidden until its turn; voids and claims change or read meals, so with one in the batch each scan is written in turn
    if (prefetched && scans.length > 1 && !events.some((e) => e.type === 'meal.voided' || e.type === 'allowance.claim')) await facts.insertMeals(scans);
    const settings = await this.settings.typedSettings();
    const stored: StoredWarning[] = [];
    const alerts: EventEnvelope[] = [];
    for (const event of events) {
      // each event is recorded and evaluated before the next is recorded: a warning's trigger is the event that made it true
      const trigger = await this.record(event, facts, false);
      if (trigger) stored.push(...(await this.evaluate(event, trigger, facts, sql, settings, alerts)));
    }
    // the batch's alerts in one outbox statement, in the order they were raised (they commit with the warnings)
    await this.outbox.write(sql, alerts);
    return stored;
  }

  /** Evaluates every enabled model on one trigger and stores what it raises; adds their alert events to `alerts`. */
  private async evaluate(
    event: ParsedEvent,
    trigger: Trigger,
    facts: FactRepository,
    sql: SqlRunner,
    settings: ReadonlyMap<string, ModelSettings<object>>,
    alerts: EventEnvelope[],
  ): Promise<StoredWarning[]> {
    const stored: StoredWarning[] = [];
    for (const model of WARNING_MODELS) {
      const s = settings.get(model.key);
      if (!s || !s.enabled) continue;
      const drafts = await shadowEvaluate(model, trigger, facts, s);
      for (const draft of drafts) {
        // a snoozed model stays silent for the subject until the snooze's end date: no warning, no case opened or extended
        if (await this.snoozes.suppressIfSnoozed(sql, model.key, draft.subjectType, draft.subjectId)) continue;
        const warning = await this.warnings.insertWithCase(sql, {
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
        });
        if (!warning) continue;
        alerts.push(alertEventOf(warning, event.correlationId));
        stored.push(warning);
        this.raised.inc({ model: model.key });
        this.latency.observe({ model: model.key }, Math.max(0, (Date.now() - Date.parse(event.occurredAt)) / 1000));
      }
    }
    if (stored.length > 0) this.logger.log(`event ${event.eventId} raised ${stored.map((w) => w.dedupeKey).join(', ')}`);
    return stored;
  }
}
