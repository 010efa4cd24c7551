import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { AppConfig } from '@meal/config';
import { ConsumerHandle, EventConsumerRegistry, kafkaSecurityOptions, TopicNames } from '@meal/kafka';
import { RISK_INPUT_TOPICS } from '../evaluation/risk-consumer.service';
import { ModelSettingsService } from '../model-settings/model-settings.service';
import { RiskModelNotFoundException } from '../model-settings/model-settings.exceptions';
import { findWarningModel, WARNING_MODELS } from '../models/warning-model.registry';
import { ReplayAlreadyRunningException, ReplayNotFoundException, ReplayUnavailableException } from './replay.exceptions';
import { ReplayModelResult, ReplayRepository, StoredReplayRun } from './replay.repository';
import { ReplayModel, ShadowReplayer } from './shadow-replayer';

export interface ReplayRequest {
  /** Model keys to run (default: all). */
  models?: string[];
  /** Thresholds to try per model key, merged over the live ones and validated by the model. */
  thresholds?: Record<string, Record<string, unknown>>;
  /** Only warnings with business dates in [from, to] are reported (all events are still read: models need history). */
  from?: string;
  to?: string;
}

/** Events per handler call of a replay (nothing is written per event; a 1 MB partition fetch holds about 1,400). */
export const REPLAY_MAX_BATCH = 1000;
/** One fetch response at most (1 MB per partition): the replay reads whole topics and holds what it fetched until handled. */
export const REPLAY_MAX_FETCH_BYTES = 4 * 1024 * 1024;
const POLL_MS = 250;
const MAX_LISTED_KEYS = 200;

interface ActiveReplay {
  id: string;
  group: string;
  handle: ConsumerHandle;
  replayer: ShadowReplayer;
  models: ReplayModel[];
  targets: Map<string, bigint>;
  from: string | null;
  to: string | null;
  startedAt: number;
  timer?: NodeJS.Timeout;
  finishing?: Promise<void>;
}

/**
 * Shadow replays of the input topics: a fresh consumer group (`risk.replay.<run>`) reads meal.events,
 * finance.allowance-claims and finance.reception-records from the beginning, up to the end offsets taken when the
 * run started, and evaluates the chosen models in memory (ShadowReplayer) — no fact, warning, case or alert is
 * written. When the group's committed offsets reach the targets, the consumer stops, the group is deleted, and the
 * keys the models would raise are compared with the live warnings; the report is stored in risk_replay_runs.
 * One replay at a time per instance. Needs the Kafka transport (the embedded one keeps no history).
 */
@Injectable()
export class ReplayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RiskReplay');
  private readonly names: TopicNames;
  private admin: Admin | undefined;
  private active: ActiveReplay | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: EventConsumerRegistry,
    private readonly settings: ModelSettingsService,
    private readonly repository: ReplayRepository,
  ) {
    this.names = new TopicNames(config.kafka.topicPrefix);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.repository.abandonRunning();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.active) await this.finish(this.active, 'cancelled', 'the service stopped');
    await this.admin?.disconnect();
  }

  async start(request: ReplayRequest, requestedBy: string): Promise<StoredReplayRun> {
    if (this.config.kafka.embedded) throw new ReplayUnavailableException('the embedded transport keeps no history of the topics; configure KAFKA_BROKERS');
    if (this.active) throw new ReplayAlreadyRunningException(this.active.id);
    const models = await this.models(request);
    const admin = await this.kafkaAdmin();
    const targets = new Map<string, bigint>();
    for (const topic of RISK_INPUT_TOPICS) {
      for (const p of await admin.fetchTopicOffsets(this.names.physical(topic))) {
        if (BigInt(p.high) > BigInt(p.low)) targets.set(`${topic}:${p.partition}`, BigInt(p.high));
      }
    }
    const id = randomUUID();
    const group = `risk.replay.${id.slice(0, 8)}`;
    const from = request.from ?? null;
    const to = request.to ?? null;
    const run = await this.repository.insertRun({
      id,
      consumerGroup: group,
      models: models.map((m) => m.model.key),
      from,
      to,
      requestedBy,
      targetOffsets: Object.fromEntries([...targets].map(([k, v]) => [k, v.toString()])),
    });
    const replayer = new ShadowReplayer(this.repository, models, from, to, this.config.risk.replayMaxFacts);
    const startedAt = Date.now();
    const handle = await this.registry.subscribeBatch({
      groupId: group,
      topics: RISK_INPUT_TOPICS,
      fromBeginning: true,
      dedupe: false,
      maxRetries: 0,
      partitionsConsumedConcurrently: 3,
      maxBatchSize: REPLAY_MAX_BATCH,
      maxFetchBytes: REPLAY_MAX_FETCH_BYTES,
      batchHandler: (events) => replayer.handle(events.map((e) => e.event)),
    });
    const active: ActiveReplay = { id, group, handle, replayer, models, targets, from, to, startedAt };
    this.active = active;
    this.logger.log(`replay ${id} started as ${group}: ${models.map((m) => m.model.key).join(', ')}; ${targets.size} partitions to read`);
    active.timer = setInterval(() => void this.poll(active), POLL_MS);
    return run;
  }

  async get(id: string): Promise<StoredReplayRun> {
    const run = await this.repository.find(id);
    if (!run) throw new ReplayNotFoundException(id);
    if (this.active?.id === id) return { ...run, eventsConsumed: this.active.replayer.eventsConsumed, triggersEvaluated: this.active.replayer.triggersEvaluated };
    return run;
  }

  list(): Promise<StoredReplayRun[]> {
    return this.repository.list(50);
  }

  private async models(request: ReplayRequest): Promise<ReplayModel[]> {
    const keys = request.models ?? WARNING_MODELS.map((m) => m.key);
    const live = await this.settings.readTypedSettings();
    for (const key of Object.keys(request.thresholds ?? {})) if (!keys.includes(key)) throw new RiskModelNotFoundException(key);
    return keys.map((key) => {
      const model = findWarningModel(key);
      const settings = live.get(key);
      if (!model || !settings) throw new RiskModelNotFoundException(key);
      const thresholds = this.settings.parse(model, { ...model.defaultThresholds, ...settings.thresholds, ...(request.thresholds?.[key] ?? {}) });
      return { model, settings: { ...settings, enabled: true, thresholds } };
    });
  }

  private async kafkaAdmin(): Promise<Admin> {
    if (!this.admin) {
      const kafka = new Kafka({
        clientId: `${this.config.kafka.clientId}-replay`,
        brokers: this.config.kafka.brokers,
        ...kafkaSecurityOptions(this.config.kafka),
        logLevel: logLevel.NOTHING,
        retry: { retries: 3 },
      });
      const admin = kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Done once the group's committed offsets reached the targets (dead-lettered messages count as read). */
  private async poll(active: ActiveReplay): Promise<void> {
    if (active.finishing || this.active !== active) return;
    if (active.replayer.overBudget) {
      const limit = this.config.risk.replayMaxFacts;
      await this.finish(active, 'failed', `the topics hold more facts than a replay may keep in memory (RISK_REPLAY_MAX_FACTS = ${limit}); it stopped after ${active.replayer.eventsConsumed} events`);
      return;
    }
    try {
      const admin = await this.kafkaAdmin();
      const committed = await admin.fetchOffsets({ groupId: this.names.group(active.group), topics: RISK_INPUT_TOPICS.map((t) => this.names.physical(t)) });
      const position = new Map<string, bigint>();
      for (const t of committed) for (const p of t.partitions) position.set(`${this.names.logical(t.topic)}:${p.partition}`, BigInt(p.offset));
      const done = [...active.targets].every(([key, high]) => (position.get(key) ?? -1n) >= high);
      if (done) await this.finish(active, 'completed', null);
    } catch (error) {
      this.logger.warn(`replay ${active.id}: offsets not read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private finish(active: ActiveReplay, status: 'completed' | 'failed' | 'cancelled', error: string | null): Promise<void> {
    active.finishing ??= (async () => {
      if (active.timer) clearInterval(active.timer);
      await active.handle.stop();
      const elapsedMs = Date.now() - active.startedAt;
      const { replayer } = active;
      const counts = { eventsConsumed: replayer.eventsConsumed, triggersEvaluated: replayer.triggersEvaluated };
      try {
        // a run that did not read everything has no comparison to report
        if (status !== 'completed') {
          await this.repository.finish(active.id, status, counts, null, error);
          this.logger.warn(`replay ${active.id} ${status}: ${error ?? ''}`);
          return;
        }
        const models: ReplayModelResult[] = [];
        for (const { model, settings } of active.models) {
          const would = replayer.keys.get(model.key) ?? new Set<string>();
          const live = new Set(await this.repository.liveKeys(model.key, active.from, active.to));
          const onlyInShadow = [...would].filter((k) => !live.has(k)).sort();
          const onlyInLive = [...live].filter((k) => !would.has(k)).sort();
          models.push({
            model: model.key,
            version: model.version,
            thresholds: settings.thresholds as Record<string, unknown>,
            wouldRaise: would.size,
            live: live.size,
            inBoth: would.size - onlyInShadow.length,
            onlyInShadowCount: onlyInShadow.length,
            onlyInLiveCount: onlyInLive.length,
            onlyInShadow: onlyInShadow.slice(0, MAX_LISTED_KEYS),
            onlyInLive: onlyInLive.slice(0, MAX_LISTED_KEYS),
          });
        }
        // throughput from the first batch to the last one done: the group join and the end-offset polling are not work
        const consumeMs = replayer.firstBatchAt === undefined ? 0 : (replayer.lastBatchDoneAt ?? Date.now()) - replayer.firstBatchAt;
        const eventsPerSecond = Math.round((replayer.eventsConsumed / Math.max(1, consumeMs)) * 1000);
        await this.repository.finish(active.id, status, counts, { models, elapsedMs, consumeMs, eventsPerSecond }, error);
        this.logger.log(`replay ${active.id} ${status}: ${replayer.eventsConsumed} events in ${elapsedMs} ms (${eventsPerSecond}/s)`);
      } catch (failure) {
        await this.repository.finish(active.id, 'failed', counts, null, failure instanceof Error ? failure.message : String(failure));
      } finally {
        if (this.active === active) this.active = undefined;
        await this.kafkaAdmin()
          .then((admin) => admin.deleteGroups([this.names.group(active.group)]))
          .catch(() => undefined);
      }
    })();
    return active.finishing;
  }
}
