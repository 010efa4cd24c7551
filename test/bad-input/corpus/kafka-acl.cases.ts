import { ProducerSystem, ProducerSystems, Topics } from '@meal/contracts';

/**
 * Producers the broker must refuse (issue 14): anyone who reaches the broker could publish forged meals, claims and
 * reception records for real staff. Each case is one produce request of a valid-looking event (stamped as if its topic's
 * writer had produced it) by a client that is not the topic's writer. `unauthenticated` connects without SASL: the
 * broker closes the connection; any other principal logs in and gets TOPIC_AUTHORIZATION_FAILED. Nothing of it may
 * reach the topic (its end offset stays put) or the risk service (no fact, no processed_events row).
 */
export interface KafkaAclCase {
  name: string;
  category: 'kafka-acl';
  /** Logical topic (Topics.*, or a dead-letter topic). */
  topic: string;
  /** Who produces: a principal of the broker, or a client without any login. */
  as: ProducerSystem | 'unauthenticated';
  expect: 'CONNECTION_REFUSED' | 'TOPIC_AUTHORIZATION_FAILED';
}

const { CanteenService, RiskService, FinanceSystem, OutsideCanteen } = ProducerSystems;

/** The input topics of the risk service and who, besides their writer, must not write them. */
const REFUSED_WRITERS: ReadonlyArray<[string, ProducerSystem[]]> = [
  [Topics.MealEvents, [FinanceSystem, OutsideCanteen, RiskService]],
  [Topics.OutsideMealEvents, [CanteenService, FinanceSystem, RiskService]],
  [Topics.AllowanceClaims, [CanteenService, OutsideCanteen, RiskService]],
  [Topics.ReceptionRecords, [CanteenService, OutsideCanteen, RiskService]],
  [Topics.ImportedAllowanceClaims, [FinanceSystem, CanteenService, OutsideCanteen]],
  [Topics.ImportedReceptionRecords, [FinanceSystem, CanteenService, OutsideCanteen]],
  // a forged warning on the alert topic
  [Topics.Alerts, [CanteenService, FinanceSystem, OutsideCanteen]],
  // a dead-letter topic is written by its consumer only: a producer cannot plant "failed" evidence there either
  [`${Topics.MealEvents}.dlt`, [CanteenService, FinanceSystem, OutsideCanteen]],
  [`${Topics.AllowanceClaims}.dlt`, [FinanceSystem, CanteenService]],
];

/** The topics an unauthenticated client tries: every input topic of the risk service, and the alerts. */
const UNAUTHENTICATED_TOPICS: readonly string[] = [
  Topics.MealEvents,
  Topics.OutsideMealEvents,
  Topics.AllowanceClaims,
  Topics.ReceptionRecords,
  Topics.ImportedAllowanceClaims,
  Topics.ImportedReceptionRecords,
  Topics.Alerts,
];

export function kafkaAclCases(): KafkaAclCase[] {
  const cases: KafkaAclCase[] = UNAUTHENTICATED_TOPICS.map((topic) => ({
    name: `${topic}: a client without SASL login produces`,
    category: 'kafka-acl',
    topic,
    as: 'unauthenticated',
    expect: 'CONNECTION_REFUSED',
  }));
  for (const [topic, principals] of REFUSED_WRITERS) {
    for (const as of principals) {
      cases.push({ name: `${topic}: ${as} (not its writer) produces`, category: 'kafka-acl', topic, as, expect: 'TOPIC_AUTHORIZATION_FAILED' });
    }
  }
  return cases;
}
