import { ParsedEvent } from '@meal/contracts';
import { shadowEvaluate } from '../evaluation/evaluation.service';
import { TriggerKind } from '../facts/fact.types';
import { ModelSettings, WarningModel } from '../models/warning-model';
import { MemoryFactStore, OrganisationLoader } from './memory-fact-store';

/** A model and the settings a replay runs it with (thresholds to try, scope of the live settings). */
export interface ReplayModel {
  model: WarningModel<object>;
  settings: ModelSettings<object>;
}

/**
 * The evaluation of a replay: every consumed event is applied to an in-memory fact store and each trigger is run
 * through the chosen models in shadow mode (shadowEvaluate, as the live path), collecting the dedupe keys they would
 * raise with business dates in [from, to]. Writes nothing; one per replay run.
 */
export class ShadowReplayer {
  readonly store: MemoryFactStore;
  readonly keys = new Map<string, Set<string>>();
  /** The chosen models by the trigger kinds they evaluate, in the order given, with their key sets. */
  private readonly byTrigger = new Map<TriggerKind, (ReplayModel & { keys: Set<string> })[]>();
  eventsConsumed = 0;
  triggersEvaluated = 0;
  /** Date.now() when the first batch arrived and when the last one was done (the consumer's group join excluded). */
  firstBatchAt: number | undefined;
  lastBatchDoneAt: number | undefined;
  /** Set when the store went past `maxFacts`: the replay evaluates nothing more and is to be stopped as failed. */
  overBudget = false;

  constructor(
    loader: OrganisationLoader,
    private readonly models: readonly ReplayModel[],
    private readonly from: string | null,
    private readonly to: string | null,
    private readonly maxFacts = Number.POSITIVE_INFINITY,
  ) {
    this.store = new MemoryFactStore(loader);
    for (const m of models) this.keys.set(m.model.key, new Set());
    for (const m of models) {
      for (const kind of m.model.triggers) {
        const list = this.byTrigger.get(kind) ?? [];
        list.push({ ...m, keys: this.keys.get(m.model.key)! });
        this.byTrigger.set(kind, list);
      }
    }
  }

  /** Applies and evaluates a batch of events (one partition's, in offset order). */
  async handle(events: readonly ParsedEvent[]): Promise<void> {
    if (this.overBudget) return;
    this.firstBatchAt ??= Date.now();
    await this.store.prefetch(events);
    for (const event of events) {
      this.eventsConsumed += 1;
      const trigger = this.store.apply(event);
      if (this.store.factCount > this.maxFacts) {
        this.overBudget = true;
        break;
      }
      if (!trigger) continue;
      this.triggersEvaluated += 1;
      for (const { model, settings, keys } of this.byTrigger.get(trigger.kind) ?? []) {
        for (const draft of await shadowEvaluate(model, trigger, this.store, settings)) {
          if ((this.from === null || draft.businessDate >= this.from) && (this.to === null || draft.businessDate <= this.to)) keys.add(draft.dedupeKey);
        }
      }
    }
    this.lastBatchDoneAt = Date.now();
  }
}
