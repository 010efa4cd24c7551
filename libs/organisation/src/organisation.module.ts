import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CanteenRepository } from './canteen/canteen.repository';
import { CanteenService } from './canteen/canteen.service';
import { ORGANISATION_ENTITIES } from './organisation.entities';
import { RegionRepository } from './region/region.repository';
import { RegionService } from './region/region.service';
import { RoleAssignmentRepository } from './role-assignment/role-assignment.repository';
import { RoleAssignmentService } from './role-assignment/role-assignment.service';
import { StaffRepository } from './staff/staff.repository';
import { StaffService } from './staff/staff.service';
import { TerminalRepository } from './terminal/terminal.repository';
import { TerminalService } from './terminal/terminal.service';
import { UnitRepository } from './unit/unit.repository';
import { UnitService } from './unit/unit.service';

const PROVIDERS = [
  RegionRepository,
  RegionService,
  UnitRepository,
  UnitService,
  StaffRepository,
  StaffService,
  CanteenRepository,
  CanteenService,
  TerminalRepository,
  TerminalService,
  RoleAssignmentRepository,
  RoleAssignmentService,
];

/** Regions, units, staff, canteens (with meal slots), terminals and role assignments. Needs a TypeORM root connection. */
@Module({
  imports: [TypeOrmModule.forFeature(ORGANISATION_ENTITIES)],
  providers: PROVIDERS,
  exports: PROVIDERS,
})
export class OrganisationModule {}
