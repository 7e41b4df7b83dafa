// Held reports in memory (docs/design.md section 7, "Delivery"), stored as JSON the way the DynamoDB adapter
// stores them, so a test reads back what a real store would give. `failures` makes the next holds fail.
import { type HeldReport, reviveHeldReport } from '../../core/program/held-report';
import type { HeldReports, HeldReportStore, ToldFailures } from '../../core/program/ports';

const keyOf = (runId: string, account: string): string => `${runId}/${account}`;

export class InMemoryHeldReportStore implements HeldReportStore {
  /** JSON per `runId/account`, or `released` once a digest told it. */
  readonly items = new Map<string, string>();
  failures = 0;
  toldFailures: ToldFailures | undefined;

  async holdReport(report: HeldReport): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('The ledger table is unavailable'), { name: 'InternalServerError' });
    }
    this.items.set(keyOf(report.runId, report.account), JSON.stringify(report));
  }

  async loadHeldReports(runId: string, accounts: readonly string[]): Promise<HeldReports> {
    const held: HeldReport[] = [];
    const released: string[] = [];
    for (const account of accounts) {
      const item = this.items.get(keyOf(runId, account));
      if (item === 'released') released.push(account);
      else if (item !== undefined)
        held.push(reviveHeldReport(JSON.parse(item), keyOf(runId, account), { runId, account }));
    }
    return { held, released, ...(this.toldFailures && { toldFailures: this.toldFailures }) };
  }

  async saveToldFailures(told: ToldFailures): Promise<void> {
    this.toldFailures = told;
  }

  async releaseHeldReports(runId: string, accounts: readonly string[]): Promise<void> {
    for (const account of accounts) this.items.set(keyOf(runId, account), 'released');
  }

  /** The report held for this run and account, if any. */
  get(runId: string, account: string): HeldReport | undefined {
    const item = this.items.get(keyOf(runId, account));
    return item && item !== 'released' ? reviveHeldReport(JSON.parse(item), 'test', { runId, account }) : undefined;
  }
}
