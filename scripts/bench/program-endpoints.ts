// The local endpoints of a hub's program (docs/design.md section 13) for the benchmark: the hub's own (bench)
// endpoints, its MGN endpoint holding every member account's fleet (global view: accountID, ListManagedAccounts),
// an SSM front and SendCommand backend per member account behind a router that sends each call to the account whose
// spoke credentials signed it, and STS issuing those credentials. Every call is counted, per operation.
import type { DocumentRole } from '../../lambdas/core/model';
import { ENV } from '../../lambdas/shared/environment';
import { SPOKE_DOCUMENT_PREFIX, spokeRoleName } from '../../lambdas/shared/program';
import type { DoctorSettings } from '../../lambdas/shared/settings';
import type { FakeSsmEndpoint } from '../../test/support/fake-ssm-endpoint';
import { AccountRouter } from '../../test/support/spoke-accounts';
import {
  ACCOUNT_ID,
  closerOf,
  countsOf,
  REGION,
  startBenchEndpoints,
  startSsmService,
  type BenchEndpoints,
} from './endpoints';
import { startFakeStsEndpoint, type FakeStsEndpoint } from './fake-sts-endpoint';
import { generateFleet, type Fleet } from './fleet';
import type { SsmCommandBackend } from './ssm-command-backend';

/** The hub is the bench's own account; its fleet is empty (a tooling account, as a migration factory's hub is). */
export const HUB_ACCOUNT = ACCOUNT_ID;

/** The spoke's documents in the form the hub computes their names (`<prefix>-<role>-<SHA-256>`). */
export const SPOKE_DOCUMENT_NAMES: Readonly<Record<DocumentRole, string>> = {
  RestartReplicationAgent: `${SPOKE_DOCUMENT_PREFIX}-RestartReplicationAgent-${'1a'.repeat(32)}`,
  CheckDiskSpace: `${SPOKE_DOCUMENT_PREFIX}-CheckDiskSpace-${'2b'.repeat(32)}`,
  CheckConnectivity: `${SPOKE_DOCUMENT_PREFIX}-CheckConnectivity-${'3c'.repeat(32)}`,
};

interface MemberSsm {
  readonly ssm: FakeSsmEndpoint;
  readonly ssmBackend: SsmCommandBackend;
}

export interface ProgramEndpoints {
  readonly hub: BenchEndpoints;
  readonly members: ReadonlyMap<string, MemberSsm>;
  readonly sts: FakeStsEndpoint;
  /** `<service>:<Operation>` → calls over every endpoint (members' SSM summed), since the last clearRecords. */
  callCounts(): Record<string, number>;
  errorCounts(): Record<string, number>;
  /** SendCommand requests each member account's SSM received. */
  sendCommandsOf(account: string): number;
  clearRecords(): void;
  /** The hub Lambda's environment: a hub of the organization, its spoke role and documents, SSM and STS here. */
  environment(options?: {
    logLevel?: string;
    settings?: DoctorSettings;
    traceAwsCalls?: boolean;
  }): Record<string, string>;
  close(): Promise<void>;
}

const merge = (target: Record<string, number>, counts: Record<string, number>, service: string): void => {
  for (const [operation, count] of Object.entries(counts))
    target[`${service}:${operation}`] = (target[`${service}:${operation}`] ?? 0) + count;
};

/** Each member account's fleet is `fleet` (its ARNs in that account): generated once, shared by the accounts. */
export async function startProgramEndpoints(
  fleet: Fleet,
  accounts: readonly string[],
  options: { readonly latencyMs: number },
): Promise<ProgramEndpoints> {
  const started: { close(): Promise<void> }[] = [];
  const closeAll = closerOf(started);
  try {
    const hub = await startBenchEndpoints(generateFleet({ servers: 0, stalled: 0 }), options);
    started.push(hub);
    for (const instance of fleet.replicationServers) hub.ec2.instances.set(instance.instanceId, instance);
    const members = new Map<string, MemberSsm>();
    for (const account of accounts) {
      hub.mgn.memberAccounts.set(account, {
        servers: fleet.sourceServers.map((server) => ({
          ...server,
          arn: server.arn?.replace(`:${ACCOUNT_ID}:`, `:${account}:`),
        })),
        applications: fleet.applications,
        waves: fleet.waves,
        replicationConfigurations: new Map(),
      });
      const service = await startSsmService(fleet.nodes, {
        documentNames: SPOKE_DOCUMENT_NAMES,
        accountId: account,
        latencyMs: options.latencyMs,
      });
      started.push(service.ssmBackend, service.ssm);
      members.set(account, service);
    }
    const sts = await startFakeStsEndpoint({ ownAccount: HUB_ACCOUNT, latencyMs: options.latencyMs });
    started.push(sts);
    const router = await AccountRouter.start(
      Object.fromEntries([
        [HUB_ACCOUNT, hub.ssm.url],
        ...[...members].map(([account, member]) => [account, member.ssm.url]),
      ]),
      (key) => sts.accountOf(key),
    );
    started.push(router);

    const counts = (errorsOnly: boolean): Record<string, number> => {
      const merged = { ...(errorsOnly ? hub.errorCounts() : hub.callCounts()) };
      for (const member of members.values()) merge(merged, countsOf(member.ssm.requests, errorsOnly), 'ssm');
      merge(merged, errorsOnly ? sts.errorCounts() : sts.counts(), 'sts');
      return merged;
    };
    return {
      hub,
      members,
      sts,
      callCounts: () => counts(false),
      errorCounts: () => counts(true),
      sendCommandsOf: (account) =>
        members.get(account)?.ssm.requests.filter((request) => request.operation === 'SendCommand').length ?? 0,
      clearRecords() {
        hub.clearRecords();
        for (const member of members.values()) {
          member.ssm.clearRecords();
          member.ssmBackend.clearRecords();
        }
        sts.clearRecords();
        router.requests.length = 0;
      },
      environment: (environmentOptions = {}) => ({
        ...hub.environment(environmentOptions),
        [ENV.programAccounts]: 'organization',
        [ENV.spokeRoleName]: spokeRoleName(REGION),
        [ENV.spokeDocumentNames]: JSON.stringify(SPOKE_DOCUMENT_NAMES),
        AWS_ENDPOINT_URL_SSM: router.url,
        AWS_ENDPOINT_URL_STS: sts.url,
      }),
      close: closeAll,
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}
