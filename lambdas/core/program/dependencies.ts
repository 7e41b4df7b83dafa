// What a hub's program steps need (docs/design.md section 13): the organization's accounts, each account's ports,
// the held reports, and the channels of the one program digest.
import type { Clock, Log, OutcomePublisher } from '../ports';
import type { ProgramAccounts } from '../../shared/program';
import type { AccountPortsProvider, HeldReportStore, ManagedAccountDirectory } from './ports';

export interface ProgramDependencies {
  /** MGN's global view; needed only when the accounts are the organization's. */
  readonly directory?: ManagedAccountDirectory;
  readonly accounts: AccountPortsProvider;
  readonly heldReports: HeldReportStore;
  /** The topic: the program digest, and the digest of an event run in one account. */
  readonly publisher: OutcomePublisher;
  /** Best-effort channels, published by each account run with its own report (docs/design.md section 7). */
  readonly channels?: readonly OutcomePublisher[];
  readonly clock: Clock;
  readonly log: Log;
}

export interface ProgramEnvironment {
  readonly region: string;
  /** The hub's own account. */
  readonly hubAccountId: string;
  readonly accounts: Exclude<ProgramAccounts, { readonly kind: 'single' }>;
  /** The role the hub assumes in each member account (named in the advice of a failed account). */
  readonly spokeRoleName: string;
  readonly ledgerTableName?: string;
}
