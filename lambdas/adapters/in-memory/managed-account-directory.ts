// MGN's global view in memory (docs/design.md section 13): the accounts ListManagedAccounts would return, or the
// error it answers without Organizations trusted access.
import type { ManagedAccountDirectory } from '../../core/program/ports';

export class InMemoryManagedAccountDirectory implements ManagedAccountDirectory {
  /** Set to make the next listings fail, as MGN answers a hub without trusted access. */
  failure?: Error;

  constructor(private readonly accounts: readonly string[]) {}

  async listManagedAccounts(): Promise<string[]> {
    if (this.failure) throw this.failure;
    return [...this.accounts];
  }
}
