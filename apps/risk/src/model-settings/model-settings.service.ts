import { Injectable } from '@nestjs/common';
import { AlertSeverity } from '@meal/contracts';
import { SqlRunner } from '../facts/fact.repository';
import { findWarningModel, WARNING_MODELS } from '../models/warning-model.registry';
import { ModelSettings, WarningModel } from '../models/warning-model';
import { InvalidThresholdsException, ModelSettingsConflictException, RiskModelNotFoundException } from './model-settings.exceptions';
import { ModelSettingsRepository, ModelSettingsRow } from './model-settings.repository';

/** A model with its live settings. */
export interface ModelView {
  model: WarningModel<object>;
  settings: ModelSettingsRow;
}

export interface ModelSettingsPatch {
  enabled?: boolean;
  severity?: AlertSeverity;
  scope?: string;
  /** Merged over the current thresholds, then validated by the model. */
  thresholds?: Record<string, unknown>;
}

/** Reads and changes the warning models' settings (thresholds, on/off, severity, scope). */
/** How long the live evaluation trusts its cached model settings before reading them again (other instances' changes). */
export const SETTINGS_CACHE_TTL_MS = 1000;

@Injectable()
export class ModelSettingsService {
  private cache: { loadedAt: number; settings: ReadonlyMap<string, ModelSettings<object>> } | undefined;
  private loading: Promise<ReadonlyMap<string, ModelSettings<object>>> | undefined;
  private generation = 0;
  /** Reads of the settings table by the cache (tests, metrics). */
  reads = 0;

  constructor(private readonly repository: ModelSettingsRepository) {}

  async list(): Promise<ModelView[]> {
    const rows = await this.repository.all();
    return WARNING_MODELS.flatMap((model) => {
      const settings = rows.find((r) => r.key === model.key);
      return settings ? [{ model, settings }] : [];
    });
  }

  async get(key: string): Promise<ModelView> {
    const model = findWarningModel(key);
    const settings = model ? await this.repository.find(key) : undefined;
    if (!model || !settings) throw new RiskModelNotFoundException(key);
    return { model, settings };
  }

  async update(key: string, patch: ModelSettingsPatch, updatedBy: string): Promise<ModelView> {
    const { model, settings } = await this.get(key);
    // defaults first: thresholds a newer model version added may be missing from the stored row
    const thresholds = this.parse(model, { ...model.defaultThresholds, ...settings.thresholds, ...(patch.thresholds ?? {}) });
    const updated = await this.repository.update(key, settings.revision, {
      enabled: patch.enabled ?? settings.enabled,
      severity: patch.severity ?? settings.severity,
      scope: patch.scope ?? settings.scope,
      thresholds,
      updatedBy,
    });
    this.invalidate();
    if (!updated) throw new ModelSettingsConflictException(key);
    return { model, settings: updated };
  }

  /**
   * The typed settings of every model, as the live evaluation uses them: cached, so the per-event work reads no
   * settings. A change through this service (PATCH /models/:key) invalidates the cache at once; changes made by
   * another instance are picked up within SETTINGS_CACHE_TTL_MS. Each warning records the revision it used.
   */
  async typedSettings(): Promise<ReadonlyMap<string, ModelSettings<object>>> {
    if (this.cache && Date.now() - this.cache.loadedAt < SETTINGS_CACHE_TTL_MS) return this.cache.settings;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Forgets the cached settings (the next typedSettings() reads them again). */
  invalidate(): void {
    this.generation += 1;
    this.cache = undefined;
  }

  /** Reads the settings from the table (uncached), typed and defaulted. */
  async readTypedSettings(sql?: SqlRunner): Promise<Map<string, ModelSettings<object>>> {
    const rows = await this.repository.all(sql);
    const result = new Map<string, ModelSettings<object>>();
    for (const row of rows) {
      const model = findWarningModel(row.key);
      if (!model) continue;
      // Stored thresholds were validated when written; defaults fill keys added by a newer model version.
      const parsed = model.parseThresholds({ ...model.defaultThresholds, ...row.thresholds });
      result.set(row.key, { key: row.key, enabled: row.enabled, severity: row.severity, scope: row.scope, revision: row.revision, thresholds: parsed.value ?? model.defaultThresholds });
    }
    return result;
  }

  private async load(): Promise<ReadonlyMap<string, ModelSettings<object>>> {
    const generation = this.generation;
    const loadedAt = Date.now();
    const settings = await this.readTypedSettings();
    this.reads += 1;
    // a change that invalidated the cache while this read was in flight wins: do not keep what may predate it
    if (generation === this.generation) this.cache = { loadedAt, settings };
    return settings;
  }

  /** Validates thresholds for a model or throws 400 with every bad field. */
  parse(model: WarningModel<object>, raw: Record<string, unknown>): object {
    const { value, errors } = model.parseThresholds(raw);
    if (!value) throw new InvalidThresholdsException(model.key, errors);
    return value;
  }
}
