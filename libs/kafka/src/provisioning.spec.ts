import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { PRODUCER_SYSTEMS, TOPIC_SPECS } from '@meal/contracts';
import { desiredAcls } from './provisioning';

describe('desiredAcls (from TOPIC_SPECS)', () => {
  const prefix = 't-x.';
  const acls = desiredAcls(prefix);
  const who = (resourceName: string, operation: AclOperationTypes): string[] =>
    acls
      .filter((a) => a.resourceType === AclResourceTypes.TOPIC && a.resourceName === resourceName && a.operation === operation)
      .map((a) => a.principal)
      .sort();

  it('lets exactly the writer write each topic and exactly its readers read it', () => {
    for (const spec of TOPIC_SPECS) {
      expect(who(`${prefix}${spec.name}`, AclOperationTypes.WRITE)).toEqual([`User:${spec.writer}`]);
      expect(who(`${prefix}${spec.name}`, AclOperationTypes.READ)).toEqual(spec.readers.map((r) => `User:${r}`).sort());
    }
  });

  it('lets only the first reader write a dead-letter topic, and nobody read one', () => {
    for (const spec of TOPIC_SPECS) {
      expect(who(`${prefix}${spec.deadLetter}`, AclOperationTypes.WRITE)).toEqual(spec.readers.length > 0 ? [`User:${spec.readers[0]}`] : []);
      expect(who(`${prefix}${spec.deadLetter}`, AclOperationTypes.READ)).toEqual([]);
    }
  });

  it('grants the risk service its prefixed consumer groups (live and replay) and no CREATE, ALL or wildcard anywhere', () => {
    const groups = acls.filter((a) => a.resourceType === AclResourceTypes.GROUP);
    expect(groups.map((g) => [g.principal, g.resourceName, g.resourcePatternType, g.operation])).toEqual(
      [AclOperationTypes.READ, AclOperationTypes.DESCRIBE, AclOperationTypes.DELETE].map((op) => ['User:risk-service', `${prefix}risk.`, ResourcePatternTypes.PREFIXED, op]),
    );
    expect(acls.some((a) => a.operation === AclOperationTypes.CREATE || a.operation === AclOperationTypes.ALL)).toBe(false);
    expect(acls.every((a) => a.resourceName.startsWith(prefix) && a.resourceName !== '*')).toBe(true);
    expect(new Set(acls.map((a) => a.principal.slice('User:'.length))).size).toBeLessThanOrEqual(PRODUCER_SYSTEMS.length);
  });
});
