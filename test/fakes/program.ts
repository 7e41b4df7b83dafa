// A hub's organization in memory: each account with its own fleet, SSM nodes, ledger and command runner, the
// accounts a global view lists, and accounts whose spoke role cannot be assumed (AccessDenied, as STS answers).
import {
  InMemoryHeldReportStore,
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  ManualClock,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../lambdas/adapters/in-memory';
import type { SourceServer } from '../../lambdas/core/model';
import type { ProgramDependencies, ProgramEnvironment } from '../../lambdas/core/program/dependencies';
import type { AccountPorts, AccountPortsProvider } from '../../lambdas/core/program/ports';
import { aNodeFor } from './builders';

export const HUB_ACCOUNT = '999988887777';
export const REGION = 'eu-west-1';
export const SPOKE_ROLE = `MgnReplicationDoctorSpoke-${REGION}`;
const AGENT_OK = 'MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent active_state=active';

export interface FakeAccount {
  readonly servers: InMemorySourceServerRepository;
  readonly ledger: InMemoryLedger;
  readonly runner: RecordingCommandRunner;
}

/** STS's answer when the spoke role is missing or does not trust the hub. */
export function anAccessDenied(account: string): Error {
  return Object.assign(
    new Error(
      `User: arn:aws:sts::${HUB_ACCOUNT}:assumed-role/MgnReplicationDoctorHub-${REGION}/fn is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${account}:role/${SPOKE_ROLE}`,
    ),
    { name: 'AccessDenied' },
  );
}

export class FakeAccounts implements AccountPortsProvider {
  readonly accounts = new Map<string, FakeAccount>();
  /** Accounts whose spoke role the hub may not assume. */
  readonly denied = new Set<string>();

  add(account: string, servers: readonly SourceServer[]): FakeAccount {
    const runner = new RecordingCommandRunner();
    runner.answers.set('RestartReplicationAgent', { status: 'Success', output: AGENT_OK });
    const fake = { servers: new InMemorySourceServerRepository([...servers]), ledger: new InMemoryLedger(), runner };
    this.accounts.set(account, fake);
    this.nodes.set(account, new InMemoryNodeDirectory(servers.map((server) => aNodeFor(server))));
    return fake;
  }

  private readonly nodes = new Map<string, InMemoryNodeDirectory>();

  async portsFor(account: string): Promise<AccountPorts> {
    if (this.denied.has(account)) throw anAccessDenied(account);
    const fake = this.accounts.get(account);
    if (!fake) throw Object.assign(new Error(`no account ${account}`), { name: 'AccessDenied' });
    return {
      servers: fake.servers,
      nodes: this.nodes.get(account) as InMemoryNodeDirectory,
      commands: fake.runner,
      ledger: fake.ledger,
      freePeriodMarks: fake.ledger,
    };
  }

  get(account: string): FakeAccount {
    return this.accounts.get(account) as FakeAccount;
  }
}

export function aProgram(start = new Date('2026-11-26T08:00:00Z')) {
  const accounts = new FakeAccounts();
  const heldReports = new InMemoryHeldReportStore();
  const publisher = new RecordingPublisher();
  const clock = new ManualClock(start);
  const log = new MemoryLog();
  const deps: ProgramDependencies = { accounts, heldReports, publisher, clock, log };
  const environment = (listed: readonly string[]): ProgramEnvironment => ({
    region: REGION,
    hubAccountId: HUB_ACCOUNT,
    accounts: { kind: 'list', accounts: listed },
    spokeRoleName: SPOKE_ROLE,
    ledgerTableName: 'mgn-replication-doctor-Ledger',
  });
  return { accounts, heldReports, publisher, clock, log, deps, environment };
}
