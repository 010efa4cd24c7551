import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { shadowEvaluate } from '../evaluation/evaluation.service';
import { FactRepository } from '../facts/fact.repository';
import { Trigger } from '../facts/fact.types';
import { BacktestRequestDto, BacktestResultDto } from '../model-settings/dto/model-settings.dto';
import { UnknownModelVersionException } from '../model-settings/model-settings.exceptions';
import { ModelSettingsService } from '../model-settings/model-settings.service';
import { ModelSettings } from '../models/warning-model';
import { WarningRepository } from '../warnings/warning.repository';

/** Facts one backtest replays at most (per kind). */
export const MAX_BACKTEST_FACTS = 200_000;
const MAX_LISTED_KEYS = 1000;

/**
 * Shadow mode: replays the stored facts of a date range as triggers through a model (with the thresholds to try),
 * writing nothing, and compares the dedupe keys it would raise with the live warnings of the same range.
 */
@Injectable()
export class BacktestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: ModelSettingsService,
    private readonly warnings: WarningRepository,
  ) {}

  async run(key: string, request: BacktestRequestDto): Promise<BacktestResultDto> {
    const { model, settings } = await this.settings.get(key);
    if (request.version !== undefined && request.version !== model.version) throw new UnknownModelVersionException(key, request.version, model.version);
    const thresholds = this.settings.parse(model, { ...model.defaultThresholds, ...settings.thresholds, ...(request.thresholds ?? {}) });
    const shadow: ModelSettings<object> = { key, enabled: true, severity: settings.severity, scope: settings.scope, revision: settings.revision, thresholds };
    const from = request.from ?? null;
    const to = request.to ?? null;

    const facts = new FactRepository(this.dataSource);
    const triggers: Trigger[] = [];
    let truncated = false;
    if (model.triggers.includes('meal')) {
      const meals = await facts.mealsForReplay(from, to, MAX_BACKTEST_FACTS + 1);
      truncated ||= meals.length > MAX_BACKTEST_FACTS;
      triggers.push(...meals.slice(0, MAX_BACKTEST_FACTS).map((meal): Trigger => ({ kind: 'meal', eventId: meal.eventId, meal })));
    }
    if (model.triggers.includes('claim')) {
      const claims = await facts.claimsForReplay(from, to, MAX_BACKTEST_FACTS + 1);
      truncated ||= claims.length > MAX_BACKTEST_FACTS;
      triggers.push(...claims.slice(0, MAX_BACKTEST_FACTS).map((claim): Trigger => ({ kind: 'claim', eventId: claim.eventId, claim })));
    }
    if (model.triggers.includes('reception')) {
      const records = await facts.receptionsForReplay(from, to, MAX_BACKTEST_FACTS + 1);
      truncated ||= records.length > MAX_BACKTEST_FACTS;
      triggers.push(...records.slice(0, MAX_BACKTEST_FACTS).map((record): Trigger => ({ kind: 'reception', eventId: record.eventId, record })));
    }

    const would = new Set<string>();
    for (const trigger of triggers) {
      for (const draft of await shadowEvaluate(model, trigger, facts, shadow)) {
        if ((from === null || draft.businessDate >= from) && (to === null || draft.businessDate <= to)) would.add(draft.dedupeKey);
      }
    }
    const live = new Set(await this.warnings.liveKeys(key, request.from, request.to));
    const onlyInShadow = [...would].filter((k) => !live.has(k)).sort();
    const onlyInLive = [...live].filter((k) => !would.has(k)).sort();
    return {
      model: key,
      version: model.version,
      thresholds: thresholds as Record<string, unknown>,
      from,
      to,
      factsEvaluated: triggers.length,
      wouldRaise: would.size,
      live: live.size,
      inBoth: [...would].filter((k) => live.has(k)).length,
      onlyInShadow: onlyInShadow.slice(0, MAX_LISTED_KEYS),
      onlyInLive: onlyInLive.slice(0, MAX_LISTED_KEYS),
      truncated,
    };
  }
}
