import { Module } from '@nestjs/common';
import { OrganisationModule } from '@meal/organisation';
import { CanteensController } from './canteens.controller';
import { RegionsController } from './regions.controller';
import { RoleAssignmentsController } from './role-assignments.controller';
import { StaffController } from './staff.controller';
import { TerminalsController } from './terminals.controller';
import { UnitsController } from './units.controller';

/** The administrators' HTTP API over regions, units, staff, canteens, terminals and role assignments. */
@Module({
  imports: [OrganisationModule],
  controllers: [RegionsController, UnitsController, StaffController, CanteensController, TerminalsController, RoleAssignmentsController],
})
export class OrganisationAdminModule {}
