/** Maps logical topic and group names to the broker's (`${prefix}${name}`) and back. */
export class TopicNames {
  constructor(readonly prefix: string) {}

  physical(logical: string): string {
    return `${this.prefix}${logical}`;
  }

  logical(physical: string): string {
    return this.prefix && physical.startsWith(this.prefix) ? physical.slice(this.prefix.length) : physical;
  }

  group(groupId: string): string {
    return `${this.prefix}${groupId}`;
  }
}
