import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CanteenInfo, StaffInfo, UnitInfo } from '../facts/fact.types';
import { OrganisationLoader } from './memory-fact-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What one replay run reports (risk_replay_runs.result). */
export interface ReplayModelResult {
  model: string;
  version: string;
  thresholds: Record<string, unknown>;
  wouldRaise: number;
  live: number;
  inBoth: number;
  onlyInShadowCount: number;
  onlyInLiveCount: number;
  onlyInShadow: string[];
  onlyInLive: string[];
}

export interface StoredReplayRun {
  id: string;
  consumerGroup: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  models: string[];
  from: string | null;
  to: string | null;
  requestedBy: string;
  targetOffsets: Record<string, string>;
  eventsConsumed: number;
  triggersEvaluated: number;
  result: { models: ReplayModelResult[]; elapsedMs: number; consumeMs: number; eventsPerSecond: number } | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

const TS = (c: string): string => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const RUN_COLUMNS = `id, consumer_group AS "consumerGroup", status, models, to_char(date_from, 'YYYY-MM-DD') AS "from", to_char(date_to, 'YYYY-MM-DD') AS "to",
  requested_by AS "requestedBy", target_offsets AS "targetOffsets", events_consumed::float8 AS "eventsConsumed", triggers_evaluated::float8 AS "triggersEvaluated",
  result, error, ${TS('started_at')} AS "startedAt", ${TS('finished_at')} AS "finishedAt"`;

/** SQL of the replays: the runs table, the organisation lookups (in bulk) and the live keys to compare with. */
@Injectable()
export class ReplayRepository implements OrganisationLoader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertRun(run: { id: string; consumerGroup: string; models: string[]; from: string | null; to: string | null; requestedBy: string; targetOffsets: Record<string, string> }): Promise<StoredReplayRun> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO risk_replay_runs (id, consumer_group, status, models, date_from, date_to, requested_by, target_offsets)
       VALUES ($1, $2, 'running', $3, $4, $5, $6, $7::jsonb) RETURNING ${RUN_COLUMNS}`,
      [run.id, run.consumerGroup, run.models, run.from, run.to, run.requestedBy, JSON.stringify(run.targetOffsets)],
    )) as StoredReplayRun[];
    return row;
  }

  async progress(id: string, eventsConsumed: number, triggersEvaluated: number): Promise<void> {
    await this.dataSource.query(`UPDATE risk_replay_runs SET events_consumed = $2, triggers_evaluated = $3 WHERE id = $1 AND status = 'running'`, [id, eventsConsumed, triggersEvaluated]);
  }

  async finish(id: string, status: 'completed' | 'failed' | 'cancelled', counts: { eventsConsumed: number; triggersEvaluated: number }, result: StoredReplayRun['result'], error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE risk_replay_runs SET status = $2, events_consumed = $3, triggers_evaluated = $4, result = $5::jsonb, error = $6, finished_at = now() WHERE id = $1`,
      [id, status, counts.eventsConsumed, counts.triggersEvaluated, result === null ? null : JSON.stringify(result), error],
    );
  }

  async find(id: string): Promise<StoredReplayRun | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows = (await this.dataSource.query(`SELECT ${RUN_COLUMNS} FROM risk_replay_runs WHERE id = $1`, [id])) as StoredReplayRun[];
    return rows[0];
  }

  async list(limit: number): Promise<StoredReplayRun[]> {
    return (await this.dataSource.query(`SELECT ${RUN_COLUMNS} FROM risk_replay_runs ORDER BY started_at DESC LIMIT $1`, [limit])) as StoredReplayRun[];
  }

  /** Runs left `running` by a process that stopped: they will never finish. */
  async abandonRunning(): Promise<void> {
    await this.dataSource.query(`UPDATE risk_replay_runs SET status = 'failed', error = 'the service stopped during the replay', finished_at = now() WHERE status = 'running'`);
  }

  /** Dedupe keys of the live warnings of a model with business dates in [from, to] (either end optional). */
  async liveKeys(modelKey: string, from: string | null, to: string | null): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT dedupe_key AS k FROM risk_warnings WHERE model_key = $1 AND ($2::date IS NULL OR business_date >= $2) AND ($3::date IS NULL OR business_date <= $3)`,
      [modelKey, from, to],
    )) as { k: string }[];
    return rows.map((r) => r.k);
  }

  canteens(ids: string[]): Promise<CanteenInfo[]> {
    return this.dataSource.query(
      `SELECT id, name, owner_unit_id AS "ownerUnitId", region_code AS "regionCode", latitude, longitude, geofence_radius_m AS "geofenceRadiusM"
       FROM canteens WHERE id = ANY($1::uuid[])`,
      [ids.filter((id) => UUID.test(id))],
    ) as Promise<CanteenInfo[]>;
  }

  units(ids: string[]): Promise<UnitInfo[]> {
    return this.dataSource.query(`SELECT id, name, region_code AS "regionCode" FROM units WHERE id = ANY($1::uuid[])`, [ids.filter((id) => UUID.test(id))]) as Promise<UnitInfo[]>;
  }

  staff(ids: string[]): Promise<StaffInfo[]> {
    return this.dataSource.query(`SELECT id, name, unit_id AS "unitId" FROM staff WHERE id = ANY($1::uuid[])`, [ids.filter((id) => UUID.test(id))]) as Promise<StaffInfo[]>;
  }
}
