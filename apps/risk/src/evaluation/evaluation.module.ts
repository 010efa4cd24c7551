import { Module } from '@nestjs/common';
import { ModelSettingsModule } from '../model-settings/model-settings.module';
import { SnoozesModule } from '../snoozes/snoozes.module';
import { WarningsModule } from '../warnings/warnings.module';
import { EvaluationService } from './evaluation.service';
import { RiskConsumer } from './risk-consumer.service';

/** The live evaluation of the warning models on the consumed events. */
@Module({
  imports: [ModelSettingsModule, WarningsModule, SnoozesModule],
  providers: [EvaluationService, RiskConsumer],
  exports: [EvaluationService, RiskConsumer],
})
export class EvaluationModule {}
