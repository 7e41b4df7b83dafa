// The ledger in memory, with the DynamoDB adapter's conditional write: a save must find the version before it.
// The free-period marks are versioned the same way.
import { NO_FREE_PERIOD_MARKS, type FreePeriodMarks } from '../../core/free-period';
import type { LedgerEntry } from '../../core/ledger';
import type { FreePeriodMarkStore, RemediationLedger, SaveOutcome, SaveResult } from '../../core/ports';

export class InMemoryLedger implements RemediationLedger, FreePeriodMarkStore {
  readonly items = new Map<string, LedgerEntry>();
  freePeriodMarks: FreePeriodMarks = NO_FREE_PERIOD_MARKS;
  writes = 0;
  /** Makes the next save of this server conflict, as if another run wrote first. */
  readonly conflictOnce = new Set<string>();
  /** Makes the next save of this server fail on its own, as a refused or throttled write. */
  readonly failOnce = new Set<string>();

  async saveEntries(entries: readonly LedgerEntry[]): Promise<SaveOutcome[]> {
    const outcomes: SaveOutcome[] = [];
    for (const entry of entries) {
      if (this.failOnce.delete(entry.sourceServerId)) outcomes.push({ failed: new Error('ServiceUnavailable') });
      else outcomes.push(await this.saveEntry(entry));
    }
    return outcomes;
  }

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

  async loadFreePeriodMarks(): Promise<FreePeriodMarks> {
    return structuredClone(this.freePeriodMarks);
  }

  async saveFreePeriodMarks(marks: FreePeriodMarks): Promise<SaveResult> {
    if (marks.version - 1 !== this.freePeriodMarks.version) return 'CONFLICT';
    this.freePeriodMarks = structuredClone(marks);
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
