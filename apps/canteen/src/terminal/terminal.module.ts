import { Module } from '@nestjs/common';
import { ScanningModule } from '../scanning/scanning.module';
import { TerminalController } from './terminal.controller';
import { TerminalStreamService } from './terminal-stream.service';
import { TerminalService } from './terminal.service';

/** 食堂终端: pass verification (online and offline sync), pass key, summary, live stream. Uses ScanningModule. */
@Module({
  imports: [ScanningModule],
  controllers: [TerminalController],
  providers: [TerminalService, TerminalStreamService],
  exports: [TerminalService],
})
export class TerminalModule {}
