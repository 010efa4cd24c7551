import { Module } from '@nestjs/common';
import { CaseRepository } from './case.repository';
import { CasesController } from './cases.controller';

/** Cases (线索): warnings of one subject and model grouped while open. Read API now; workflow in the inspectors' console. */
@Module({ controllers: [CasesController], providers: [CaseRepository], exports: [CaseRepository] })
export class CasesModule {}
