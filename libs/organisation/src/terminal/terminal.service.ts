import { Injectable } from '@nestjs/common';
import { CanteenService } from '../canteen/canteen.service';
import { Page, pageRequestOf } from '../common/pagination';
import { CreateTerminalDto } from './dto/create-terminal.dto';
import { ListTerminalsQueryDto } from './dto/list-terminals.query.dto';
import { UpdateTerminalDto } from './dto/update-terminal.dto';
import { Terminal } from './terminal.entity';
import { TerminalNotFoundException } from './terminal.exceptions';
import { TerminalRepository } from './terminal.repository';

@Injectable()
export class TerminalService {
  constructor(
    private readonly terminals: TerminalRepository,
    private readonly canteens: CanteenService,
  ) {}

  async get(id: string): Promise<Terminal> {
    const terminal = await this.terminals.findById(id);
    if (!terminal) throw new TerminalNotFoundException(id);
    return terminal;
  }

  findByCode(code: string): Promise<Terminal | null> {
    return this.terminals.findByCode(code);
  }

  list(query: ListTerminalsQueryDto): Promise<Page<Terminal>> {
    const { canteenId, active } = query;
    return this.terminals.list({ canteenId, active }, pageRequestOf(query));
  }

  async create(dto: CreateTerminalDto): Promise<Terminal> {
    await this.canteens.requireActive(dto.canteenId, 'canteenId');
    return this.terminals.save({ ...dto, active: true });
  }

  async update(id: string, dto: UpdateTerminalDto): Promise<Terminal> {
    const terminal = await this.get(id);
    if (dto.canteenId !== undefined && dto.canteenId !== terminal.canteenId) {
      await this.canteens.requireActive(dto.canteenId, 'canteenId');
      terminal.canteenId = dto.canteenId;
    }
    if (dto.name !== undefined) terminal.name = dto.name;
    if (dto.active !== undefined) terminal.active = dto.active;
    return this.terminals.save(terminal);
  }

  async deactivate(id: string): Promise<Terminal> {
    const terminal = await this.get(id);
    terminal.active = false;
    return this.terminals.save(terminal);
  }
}
