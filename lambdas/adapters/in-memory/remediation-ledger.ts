// The ledger in memory, with the DynamoDB adapter's conditional write: a save must find the version before it.
import type { LedgerEntry } from '../../core/ledger';
import type { RemediationLedger, SaveResult } from '../../core/ports';

export class InMemoryLedger implements RemediationLedger {
  readonly items = new Map<string, LedgerEntry>();
  writes = 0;
  /** Makes the next save of this server conflict, as if another run wrote first. */
  readonly conflictOnce = new Set<string>();

  async loadEntries(): Promise<LedgerEntry[]> {
    return structuredClone([...this.items.values()]);
  }

  async saveEntry(entry: LedgerEntry): Promise<SaveResult> {
    const current = this.items.get(entry.sourceServerId);
    if (this.conflictOnce.delete(entry.sourceServerId)) return 'CONFLICT';
    const expected = entry.version - 1;
    if ((current?.version ?? 0) !== expected) return 'CONFLICT';
    this.items.set(entry.sourceServerId, structuredClone(entry));
    this.writes += 1;
    return 'SAVED';
  }

  get(sourceServerId: string): LedgerEntry | undefined {
    return this.items.get(sourceServerId);
  }

  entries(): LedgerEntry[] {
    return structuredClone([...this.items.values()]);
  }
}
