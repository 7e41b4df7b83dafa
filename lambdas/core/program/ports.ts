// What a hub needs beyond one account's ports (docs/design.md section 13): the organization's accounts, and the
// ports of any one of them. Adapters: lambdas/adapters (MGN global view, STS into each spoke role).
import type { DoctorDependencies } from '../run/dependencies';
import type { HeldReport } from './held-report';

/** MGN's global view: the accounts a management or delegated administrator account may act in. */
export interface ManagedAccountDirectory {
  /** MGN ListManagedAccounts, all pages. Throws when Organizations trusted access for MGN is not enabled. */
  listManagedAccounts(): Promise<string[]>;
}

/** One account's ports as a hub builds them; the hub adds the publisher, channels, clock and log. */
export type AccountPorts = Omit<DoctorDependencies, 'publisher' | 'channels' | 'clock' | 'log'>;

export interface AccountPortsProvider {
  /**
   * The hub's own account directly; a member account's MGN calls with `accountID` (global view), its SSM and EC2
   * calls with the spoke role's credentials, its ledger entries under its own keys. Rejects with an
   * AccountRunError when the account cannot be reached (the spoke role missing or not trusting the hub).
   */
  portsFor(account: string): Promise<AccountPorts>;
}

/** One account's report, held in the ledger table until the program digest tells it (docs/design.md section 7). */
export interface HeldReportStore {
  /** Keeps the report under its program run and account; a second hold of the same pair replaces the first. */
  holdReport(report: HeldReport): Promise<void>;
  /**
   * The reports held for this program run, of these accounts (an account without one is absent), and the accounts
   * whose report a digest of this run already told (released).
   */
  loadHeldReports(runId: string, accounts: readonly string[]): Promise<HeldReports>;
  /** Once the digest told them: each report replaced by a small marker, so later scans of the table stay small. */
  releaseHeldReports(runId: string, accounts: readonly string[]): Promise<void>;
  /** Remembers what a published digest said about the accounts not treated (one item, replaced each time). */
  saveToldFailures(told: ToldFailures): Promise<void>;
}

export interface HeldReports {
  readonly held: readonly HeldReport[];
  readonly released: readonly string[];
  /** What the last program digest said about accounts not treated, read with the reports. */
  readonly toldFailures?: ToldFailures;
}

/** The accounts not treated that a program digest told (fingerprintFailureLines), and when. */
export interface ToldFailures {
  readonly fingerprint: string;
  /** ISO 8601. */
  readonly toldAt: string;
}
