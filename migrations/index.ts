import { Organisation1763900000000 } from './1763900000000-organisation';
import { KafkaProcessedEvents1763900100000 } from './1763900100000-kafka-processed-events';
import { MealCodes1763900200000 } from './1763900200000-meal-codes';
import { Scanning1763900300000 } from './1763900300000-scanning';
import { Risk1763900400000 } from './1763900400000-risk';
import { OutboxPollOnly1763900500000 } from './1763900500000-outbox-poll-only';
import { Settlement1763900600000 } from './1763900600000-settlement';
import { InspectorConsole1763900700000 } from './1763900700000-inspector-console';
import { RiskReplay1763900800000 } from './1763900800000-risk-replay';
import { RiskDayCounts1763901000000 } from './1763901000000-risk-day-counts';
import { SettlementDayPairTotals1763901100000 } from './1763901100000-settlement-day-pair-totals';

/** Every migration, in order. Never edit a committed migration: add a new one and list it here. */
export const ALL_MIGRATIONS = [
  Organisation1763900000000,
  KafkaProcessedEvents1763900100000,
  MealCodes1763900200000,
  Scanning1763900300000,
  Risk1763900400000,
  OutboxPollOnly1763900500000,
  Settlement1763900600000,
  InspectorConsole1763900700000,
  RiskReplay1763900800000,
  RiskDayCounts1763901000000,
  SettlementDayPairTotals1763901100000,
];
