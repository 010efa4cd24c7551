import {
  AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Admin,
  ITopicConfig,
  ResourcePatternTypes,
} from 'kafkajs';
import { ProducerSystem, ProducerSystems, TOPIC_SPECS, TopicSpec } from '@meal/contracts';

/**
 * The consumer groups of each system that consumes, as a group-id prefix (before the topic prefix): the risk service's
 * live consumer is `risk.models`, its shadow replays `risk.replay.<id>` (apps/risk). The canteen service consumes
 * nothing. A system missing here may not join any group, so it cannot read even where a topic ACL lets it.
 */
export const CONSUMER_GROUP_PREFIXES: Readonly<Partial<Record<ProducerSystem, string>>> = {
  [ProducerSystems.RiskService]: 'risk.',
};

const principalOf = (system: string): string => `User:${system}`;

/** One ACL the provisioning wants: ALLOW from any host. */
function allow(resourceType: AclResourceTypes, resourceName: string, patternType: ResourcePatternTypes, system: string, operation: AclOperationTypes): AclEntry {
  return {
    resourceType,
    resourceName,
    resourcePatternType: patternType,
    principal: principalOf(system),
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * Every ACL of a topic prefix, derived from TOPIC_SPECS: the writer may WRITE (and DESCRIBE) its topic and nothing
 * else may; the readers may READ (and DESCRIBE) it; the first reader, the consumer that dead-letters, may WRITE the
 * topic's `.dlt`; each consuming system may use (READ, DESCRIBE, DELETE) the consumer groups under its prefix. No
 * principal gets CREATE: the topics are created here, by the administrator; the services tolerate that they may not.
 */
export function desiredAcls(prefix: string, specs: readonly TopicSpec[] = TOPIC_SPECS): AclEntry[] {
  const { TOPIC, GROUP } = AclResourceTypes;
  const { LITERAL, PREFIXED } = ResourcePatternTypes;
  const { READ, WRITE, DESCRIBE, DELETE } = AclOperationTypes;
  const acls: AclEntry[] = [];
  const readers = new Set<ProducerSystem>();
  for (const spec of specs) {
    const topic = `${prefix}${spec.name}`;
    acls.push(allow(TOPIC, topic, LITERAL, spec.writer, WRITE), allow(TOPIC, topic, LITERAL, spec.writer, DESCRIBE));
    for (const reader of spec.readers) {
      readers.add(reader);
      acls.push(allow(TOPIC, topic, LITERAL, reader, READ), allow(TOPIC, topic, LITERAL, reader, DESCRIBE));
    }
    const deadLetterer = spec.readers[0];
    if (deadLetterer) {
      const dlt = `${prefix}${spec.deadLetter}`;
      acls.push(allow(TOPIC, dlt, LITERAL, deadLetterer, WRITE), allow(TOPIC, dlt, LITERAL, deadLetterer, DESCRIBE));
    }
  }
  for (const system of readers) {
    const groups = CONSUMER_GROUP_PREFIXES[system];
    if (groups === undefined) continue;
    for (const operation of [READ, DESCRIBE, DELETE]) acls.push(allow(GROUP, `${prefix}${groups}`, PREFIXED, system, operation));
  }
  return dedupe(acls);
}

const aclKey = (a: AclEntry): string => [a.resourceType, a.resourceName, a.resourcePatternType, a.principal, a.host, a.operation, a.permissionType].join('|');

function dedupe(acls: AclEntry[]): AclEntry[] {
  return [...new Map(acls.map((a) => [aclKey(a), a])).values()];
}

export interface ProvisionResult {
  createdTopics: string[];
  createdAcls: number;
  removedAcls: number;
}

/**
 * Creates the topics of TOPIC_SPECS and their dead-letter topics under a prefix, and sets their ACLs to exactly
 * desiredAcls(prefix): missing ACLs are added, other ACLs on those same resources (a writer that changed, a grant
 * made by hand) are removed; resources outside the prefix's are left alone. Idempotent; must run as a super user.
 */
export async function provisionTopicsAndAcls(admin: Admin, prefix: string, specs: readonly TopicSpec[] = TOPIC_SPECS): Promise<ProvisionResult> {
  const wanted: ITopicConfig[] = specs.flatMap((spec) => [
    {
      topic: `${prefix}${spec.name}`,
      numPartitions: spec.partitions,
      configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
    },
    { topic: `${prefix}${spec.deadLetter}`, numPartitions: spec.deadLetterPartitions },
  ]);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: false, timeout: 10_000 });
    } catch (error) {
      if (!(error instanceof Error) || !/already exists/i.test(error.message)) throw error;
    }
    await waitForLeaders(admin, missing.map((t) => t.topic));
  }

  const desired = desiredAcls(prefix, specs);
  const desiredKeys = new Set(desired.map(aclKey));
  const resources = [...new Map(desired.map((a) => [`${a.resourceType}|${a.resourceName}|${a.resourcePatternType}`, a])).values()];
  const present: AclEntry[] = [];
  for (const r of resources) {
    const { resources: found } = await admin.describeAcls({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      resourcePatternType: r.resourcePatternType,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    for (const resource of found) {
      for (const acl of resource.acls) {
        present.push({ resourceType: resource.resourceType, resourceName: resource.resourceName, resourcePatternType: resource.resourcePatternType, ...acl });
      }
    }
  }
  const presentKeys = new Set(present.map(aclKey));
  const toCreate = desired.filter((a) => !presentKeys.has(aclKey(a)));
  const toRemove = present.filter((a) => !desiredKeys.has(aclKey(a)));
  if (toCreate.length > 0) await admin.createAcls({ acl: toCreate });
  if (toRemove.length > 0) await admin.deleteAcls({ filters: toRemove });
  return { createdTopics: missing.map((t) => t.topic), createdAcls: toCreate.length, removedAcls: toRemove.length };
}

/** Waits until every partition of the topics has a leader (a KRaft broker needs a moment after CreateTopics). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Kafka: topics ${topics.join(', ')} have no leader after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
