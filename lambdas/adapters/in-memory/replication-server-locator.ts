import type { ReplicationServerLocator } from '../../core/ports';

/** EC2's view of the replication servers, from a fixed map of instance ID → private IPv4 address. */
export class InMemoryReplicationServerLocator implements ReplicationServerLocator {
  constructor(private readonly privateIps: ReadonlyMap<string, string> = new Map()) {}

  async findPrivateIps(instanceIds: readonly string[]): Promise<Map<string, string>> {
    return new Map([...this.privateIps].filter(([id]) => instanceIds.includes(id)));
  }
}
