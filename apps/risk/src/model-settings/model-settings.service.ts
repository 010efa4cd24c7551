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
@Injectable()
export class ModelSettingsService {
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
    const thresholds = this.parse(model, { ...settings.thresholds, ...(patch.thresholds ?? {}) });
    const updated = await this.repository.update(key, settings.revision, {
      enabled: patch.enabled ?? settings.enabled,
      severity: patch.severity ?? settings.severity,
      scope: patch.scope ?? settings.scope,
      thresholds,
      updatedBy,
    });
    if (!updated) throw new ModelSettingsConflictException(key);
    return { model, settings: updated };
  }

  /** The typed settings of every model, read in the caller's transaction (the revision a warning records). */
  async typedSettings(sql?: SqlRunner): Promise<Map<string, ModelSettings<object>>> {
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

  /** Validates thresholds for a model or throws 400 with every bad field. */
  parse(model: WarningModel<object>, raw: Record<string, unknown>): object {
    const { value, errors } = model.parseThresholds(raw);
    if (!value) throw new InvalidThresholdsException(model.key, errors);
    return value;
  }
}
