/** Logical topic names. The kafka lib prepends the configured prefix (`${prefix}${name}`) to every one. */
export const Topics = {
  /** Meals of the platform's own canteens: written by the canteen service only. */
  MealEvents: 'meal.events',
  /** Meals of canteens run by an outside canteen system: written by that system's principal only. */
  OutsideMealEvents: 'outside.meal-events',
  /** Allowance claims and reception records sent by the finance system itself. */
  AllowanceClaims: 'finance.allowance-claims',
  ReceptionRecords: 'finance.reception-records',
  /** The same data sets imported by a person through the risk service's HTTP imports (attributed, scoped). */
  ImportedAllowanceClaims: 'imports.allowance-claims',
  ImportedReceptionRecords: 'imports.reception-records',
  Alerts: 'risk.alerts',
  SettlementEvents: 'settlement.events',
} as const;

/**
 * The systems that produce events. Each is its own Kafka principal (SASL/SCRAM user of the same name) and each
 * topic has exactly one writer: the ACLs grant WRITE on a topic to its `writer` only, so a consumer knows who
 * produced a message from the topic it came from, and checks that the envelope's `producer.system` says the same.
 */
export const ProducerSystems = {
  CanteenService: 'canteen-service',
  RiskService: 'risk-service',
  FinanceSystem: 'finance-system',
  OutsideCanteen: 'outside-canteen',
} as const;

export type ProducerSystem = (typeof ProducerSystems)[keyof typeof ProducerSystems];

export const PRODUCER_SYSTEMS: readonly ProducerSystem[] = Object.values(ProducerSystems);

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Suffix of every dead-letter topic: messages that could not be parsed or handled go to `<topic>.dlt`. */
export const DEAD_LETTER_SUFFIX = '.dlt';

export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DEAD_LETTER_SUFFIX);
}

export interface TopicSpec {
  /** Logical name, without prefix. */
  readonly name: TopicName;
  readonly partitions: number;
  readonly deadLetter: string;
  readonly deadLetterPartitions: number;
  /** Extra broker-side topic configuration (retention and the like). */
  readonly config?: Readonly<Record<string, string>>;
  /** The one principal allowed to write the topic (and the only `producer.system` its events may carry). */
  readonly writer: ProducerSystem;
  /** The principals allowed to read the topic (beyond the administrator); the first one also writes its dead-letter topic. */
  readonly readers: readonly ProducerSystem[];
}

function spec(name: TopicName, partitions: number, writer: ProducerSystem, readers: ProducerSystem[], config?: Record<string, string>): TopicSpec {
  return { name, partitions, deadLetter: deadLetterTopicOf(name), deadLetterPartitions: 1, config, writer, readers };
}

/**
 * Every topic the platform uses, with its partition count; the kafka lib creates them (and their dead-letter
 * topics) at startup. The three data sets the risk models collide are high-volume: 6 partitions each.
 */
const { CanteenService, RiskService, FinanceSystem, OutsideCanteen } = ProducerSystems;

export const TOPIC_SPECS: readonly TopicSpec[] = [
  spec(Topics.MealEvents, 6, CanteenService, [RiskService]),
  spec(Topics.OutsideMealEvents, 3, OutsideCanteen, [RiskService]),
  spec(Topics.AllowanceClaims, 6, FinanceSystem, [RiskService]),
  spec(Topics.ReceptionRecords, 6, FinanceSystem, [RiskService]),
  spec(Topics.ImportedAllowanceClaims, 3, RiskService, [RiskService]),
  spec(Topics.ImportedReceptionRecords, 3, RiskService, [RiskService]),
  spec(Topics.Alerts, 3, RiskService, []),
  spec(Topics.SettlementEvents, 3, CanteenService, []),
];

/** The topic's one writer: the system its events come from. Undefined for an unknown topic. */
export function writerOfTopic(name: string): ProducerSystem | undefined {
  return topicSpecOf(name)?.writer;
}

export function topicSpecOf(name: string): TopicSpec | undefined {
  return TOPIC_SPECS.find((s) => s.name === name);
}
