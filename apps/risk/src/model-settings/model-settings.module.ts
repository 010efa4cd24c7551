import { Module } from '@nestjs/common';
import { ModelSettingsRepository } from './model-settings.repository';
import { ModelSettingsService } from './model-settings.service';

/** Warning model settings (risk_model_settings). The HTTP routes live in BacktestModule's ModelsController. */
@Module({
  providers: [ModelSettingsRepository, ModelSettingsService],
  exports: [ModelSettingsService],
})
export class ModelSettingsModule {}
