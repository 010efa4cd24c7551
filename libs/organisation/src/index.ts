export * from './organisation.entities';
export * from './organisation.module';

export * from './common/geo';
export * from './common/pagination';
export * from './common/pg-errors';

export * from './region/region-level.enum';
export * from './region/region-rules';
export * from './region/region.entity';
export * from './region/region.exceptions';
export * from './region/region.repository';
export * from './region/region.service';
export * from './region/dto/create-region.dto';
export * from './region/dto/update-region.dto';
export * from './region/dto/list-regions.query.dto';
export * from './region/dto/region.response.dto';

export * from './unit/unit.entity';
export * from './unit/unit.exceptions';
export * from './unit/unit.repository';
export * from './unit/unit.service';
export * from './unit/dto/create-unit.dto';
export * from './unit/dto/update-unit.dto';
export * from './unit/dto/list-units.query.dto';
export * from './unit/dto/unit.response.dto';

export * from './staff/staff.entity';
export * from './staff/staff.exceptions';
export * from './staff/staff.repository';
export * from './staff/staff.service';
export * from './staff/dto/create-staff.dto';
export * from './staff/dto/update-staff.dto';
export * from './staff/dto/list-staff.query.dto';
export * from './staff/dto/staff.response.dto';

export * from './canteen/meal-slot.enum';
export * from './canteen/meal-price-policy';
export * from './canteen/canteen.entity';
export * from './canteen/canteen-meal-slot.entity';
export * from './canteen/canteen.exceptions';
export * from './canteen/canteen.repository';
export * from './canteen/canteen.service';
export * from './canteen/dto/meal-slot.dto';
export * from './canteen/dto/create-canteen.dto';
export * from './canteen/dto/update-canteen.dto';
export * from './canteen/dto/list-canteens.query.dto';
export * from './canteen/dto/canteen.response.dto';

export * from './terminal/terminal.entity';
export * from './terminal/terminal.exceptions';
export * from './terminal/terminal.repository';
export * from './terminal/terminal.service';
export * from './terminal/dto/create-terminal.dto';
export * from './terminal/dto/update-terminal.dto';
export * from './terminal/dto/list-terminals.query.dto';
export * from './terminal/dto/terminal.response.dto';

export * from './role-assignment/assigned-role.enum';
export * from './role-assignment/role-assignment.entity';
export * from './role-assignment/role-assignment.exceptions';
export * from './role-assignment/role-assignment.repository';
export * from './role-assignment/role-assignment.service';
export * from './role-assignment/dto/create-role-assignment.dto';
export * from './role-assignment/dto/list-role-assignments.query.dto';
export * from './role-assignment/dto/role-assignment.response.dto';

export * from './seed';
