import { Module } from '@nestjs/common';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

/** HTTP and CSV imports of allowance claims and reception records, published through the outbox. */
@Module({ controllers: [ImportsController], providers: [ImportsService] })
export class ImportsModule {}
