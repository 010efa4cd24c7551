import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Page, pageRequestOf } from '../common/pagination';
import { UnitService } from '../unit/unit.service';
import { CreateStaffDto } from './dto/create-staff.dto';
import { ListStaffQueryDto } from './dto/list-staff.query.dto';
import { UpdateStaffDto } from './dto/update-staff.dto';
import { Staff } from './staff.entity';
import { StaffInactiveException, StaffNotFoundException } from './staff.exceptions';
import { StaffRepository } from './staff.repository';

@Injectable()
export class StaffService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly units: UnitService,
  ) {}

  async get(id: string, field?: string, manager?: EntityManager): Promise<Staff> {
    const staff = await this.staff.findById(id, manager);
    if (!staff) throw new StaffNotFoundException(id, field);
    return staff;
  }

  async requireActive(id: string, field: string, manager?: EntityManager): Promise<Staff> {
    const staff = await this.get(id, field, manager);
    if (!staff.active) throw new StaffInactiveException(id, field);
    return staff;
  }

  /** The staff member behind a 浙政钉 account, or null. */
  findByExternalIdentityId(externalIdentityId: string): Promise<Staff | null> {
    return this.staff.findByExternalIdentityId(externalIdentityId);
  }

  list(query: ListStaffQueryDto): Promise<Page<Staff>> {
    const { unitId, externalIdentityId, active, q } = query;
    return this.staff.list({ unitId, externalIdentityId, active, q }, pageRequestOf(query));
  }

  async create(dto: CreateStaffDto): Promise<Staff> {
    await this.units.requireActive(dto.unitId, 'unitId');
    return this.staff.save({ ...dto, active: true });
  }

  async update(id: string, dto: UpdateStaffDto): Promise<Staff> {
    const staff = await this.get(id);
    if (dto.unitId !== undefined && dto.unitId !== staff.unitId) {
      await this.units.requireActive(dto.unitId, 'unitId');
      staff.unitId = dto.unitId;
    }
    if (dto.staffNumber !== undefined) staff.staffNumber = dto.staffNumber;
    if (dto.name !== undefined) staff.name = dto.name;
    if (dto.active !== undefined) staff.active = dto.active;
    return this.staff.save(staff);
  }

  async deactivate(id: string): Promise<Staff> {
    const staff = await this.get(id);
    staff.active = false;
    return this.staff.save(staff);
  }
}
