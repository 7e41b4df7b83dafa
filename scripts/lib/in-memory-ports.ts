// In-memory ports with AWS's semantics where they matter (the ledger's conditional write), shared by the
// offline demo and the tests, so both exercise the core against the same stand-ins.
import type { LedgerEntry } from '../../lambdas/core/ledger';
import type { Digest } from '../../lambdas/core/model';
import type { Clock, Log, OutcomePublisher, RemediationLedger, SaveResult } from '../../lambdas/core/ports';

export class RecordingPublisher implements OutcomePublisher {
  readonly published: Digest[] = [];
  failures = 0;

  async publish(digest: Digest): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      const error = new Error('SNS is unavailable');
      error.name = 'InternalErrorException';
      throw error;
    }
    this.published.push(digest);
  }
}

/** Conditional writes like the DynamoDB adapter: a write must find the version before it. */
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

/** Time stands still unless moved; sleeping moves it at once, so polling costs no real time. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2026-11-26T08:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  async sleep(milliseconds: number): Promise<void> {
    this.advance(milliseconds);
  }
  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
  setTo(date: Date): void {
    this.current = new Date(date);
  }
}

export class MemoryLog implements Log {
  readonly lines: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  info(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, attributes });
  }
  warn(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, attributes });
  }
  error(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, attributes });
  }
}
