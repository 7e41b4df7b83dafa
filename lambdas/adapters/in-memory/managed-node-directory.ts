// The SSM inventory in memory; it counts its calls, so a caller can see which listing the core chose.
import type { ManagedNode } from '../../core/model';
import type { ManagedNodeDirectory } from '../../core/ports';

export class InMemoryNodeDirectory implements ManagedNodeDirectory {
  listCalls = 0;
  describeCalls: string[][] = [];
  constructor(public nodes: ManagedNode[] = []) {}

  async describeNodes(instanceIds: readonly string[]): Promise<ManagedNode[]> {
    this.describeCalls.push([...instanceIds]);
    return this.nodes.filter((node) => instanceIds.includes(node.instanceId));
  }

  async listNodes(): Promise<ManagedNode[]> {
    this.listCalls += 1;
    return [...this.nodes];
  }
}
