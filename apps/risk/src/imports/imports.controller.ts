import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, Roles } from '@meal/auth';
import { ImportResultDto } from './dto/import-result.dto';
import { CLAIM_CSV_COLUMNS, ImportsService, MAX_IMPORT_ROWS, RECEPTION_CSV_COLUMNS } from './imports.service';

const FINANCE = [Role.Admin, Role.SettlementOfficer];

@ApiTags('risk: imports 数据导入')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post('allowance-claims')
  @HttpCode(HttpStatus.OK)
  @Roles(...FINANCE)
  @ApiOperation({
    summary: '导入差旅伙食补助申领 Import travel meal allowance claims',
    description: `A JSON array of allowance.claim v1 payloads, or text/csv with the header row ${CLAIM_CSV_COLUMNS.join(',')} (trip dates YYYY-MM-DD, allowanceFen in fen, status submitted|approved|revoked). At most ${MAX_IMPORT_ROWS} rows. Good rows are published (one event each, all or none); bad rows are reported by line and never published.`,
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ schema: { oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'string', example: `${CLAIM_CSV_COLUMNS.join(',')}\n` }] } })
  @ApiOkResponse({ type: ImportResultDto })
  importClaims(@Body() body: unknown, @Headers('content-type') contentType?: string): Promise<ImportResultDto> {
    return this.imports.importClaims(body, contentType);
  }

  @Post('reception-records')
  @HttpCode(HttpStatus.OK)
  @Roles(...FINANCE)
  @ApiOperation({
    summary: '导入公务接待记录 Import official reception records',
    description: `A JSON array of reception.record v1 payloads, or text/csv with the header row ${RECEPTION_CSV_COLUMNS.join(',')} (guestUnitIds separated by ';', an empty officialLetterRef means no official letter 公函, amountFen in fen). At most ${MAX_IMPORT_ROWS} rows. Good rows are published (all or none); bad rows are reported by line.`,
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ schema: { oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'string', example: `${RECEPTION_CSV_COLUMNS.join(',')}\n` }] } })
  @ApiOkResponse({ type: ImportResultDto })
  importReceptions(@Body() body: unknown, @Headers('content-type') contentType?: string): Promise<ImportResultDto> {
    return this.imports.importReceptions(body, contentType);
  }
}
