// What a hub needs beyond one account's ports (docs/design.md section 13): the organization's accounts, and the
// ports of any one of them. Adapters: lambdas/adapters (MGN global view, STS into each spoke role).
import type { DoctorDependencies } from '../run/dependencies';

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
