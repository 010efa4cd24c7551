import { Module } from '@nestjs/common';
import { ModelSettingsModule } from '../model-settings/model-settings.module';
import { ReplayController } from './replay.controller';
import { ReplayRepository } from './replay.repository';
import { ReplayService } from './replay.service';

/** Shadow replays of the input topics (POST/GET /replays): a separate consumer group, models run in memory, nothing written but the report. */
@Module({
  imports: [ModelSettingsModule],
  controllers: [ReplayController],
  providers: [ReplayRepository, ReplayService],
  exports: [ReplayService],
})
export class ReplayModule {}
