/** Logical topic names. The kafka lib prepends the configured prefix (`${prefix}${name}`) to every one. */
export const Topics = {
  MealEvents: 'meal.events',
  AllowanceClaims: 'finance.allowance-claims',
  ReceptionRecords: 'finance.reception-records',
  Alerts: 'risk.alerts',
  SettlementEvents: 'settlement.events',
} as const;

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
}

function spec(name: TopicName, partitions: number, config?: Record<string, string>): TopicSpec {
  return { name, partitions, deadLetter: deadLetterTopicOf(name), deadLetterPartitions: 1, config };
}

/**
 * Every topic the platform uses, with its partition count; the kafka lib creates them (and their dead-letter
 * topics) at startup. The three data sets the risk models collide are high-volume: 6 partitions each.
 */
export const TOPIC_SPECS: readonly TopicSpec[] = [
  spec(Topics.MealEvents, 6),
  spec(Topics.AllowanceClaims, 6),
  spec(Topics.ReceptionRecords, 6),
  spec(Topics.Alerts, 3),
  spec(Topics.SettlementEvents, 3),
];

export function topicSpecOf(name: string): TopicSpec | undefined {
  return TOPIC_SPECS.find((s) => s.name === name);
}
