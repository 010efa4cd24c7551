import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, Repository } from 'typeorm';
import { Page, PageRequest } from '../common/pagination';
import { isUniqueViolation } from '../common/pg-errors';
import { Terminal } from './terminal.entity';
import { TerminalCodeTakenException } from './terminal.exceptions';

export interface TerminalFilter {
  canteenId?: string;
  active?: boolean;
}

@Injectable()
export class TerminalRepository {
  constructor(@InjectRepository(Terminal) private readonly terminals: Repository<Terminal>) {}

  findById(id: string): Promise<Terminal | null> {
    return this.terminals.findOneBy({ id });
  }

  findByCode(code: string): Promise<Terminal | null> {
    return this.terminals.findOneBy({ code });
  }

  async list(filter: TerminalFilter, page: PageRequest): Promise<Page<Terminal>> {
    const where: FindOptionsWhere<Terminal> = {};
    if (filter.canteenId !== undefined) where.canteenId = filter.canteenId;
    if (filter.active !== undefined) where.active = filter.active;
    const [items, total] = await this.terminals.findAndCount({ where, order: { code: 'ASC' }, skip: page.skip, take: page.pageSize });
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  async save(terminal: Partial<Terminal>): Promise<Terminal> {
    try {
      return await this.terminals.save(this.terminals.create(terminal));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_terminals_code')) throw new TerminalCodeTakenException(terminal.code ?? '');
      throw error;
    }
  }
}
