import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** 食堂终端: a tablet or phone at a canteen that verifies meal passes; bound to exactly one canteen. */
@Entity({ name: 'terminals' })
export class Terminal {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'canteen_id', type: 'uuid' })
  canteenId!: string;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
