import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AssignedRole } from './assigned-role.enum';

/**
 * A role given to a staff member. An inspector has a jurisdiction (`regionCode`, the region and everything
 * under it); a settlement officer may belong to a unit's finance office (`unitId`; null = the clearing company).
 */
@Entity({ name: 'role_assignments' })
export class RoleAssignment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'staff_id', type: 'uuid' })
  staffId!: string;

  @Column({ type: 'text' })
  role!: AssignedRole;

  @Column({ name: 'region_code', type: 'varchar', length: 12, nullable: true })
  regionCode!: string | null;

  @Column({ name: 'unit_id', type: 'uuid', nullable: true })
  unitId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
