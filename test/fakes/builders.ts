// Realistic test data: MGN IDs, ARNs and SSM node IDs in the shapes AWS uses.
import type { CommandRecord, Treatment } from '../../lambdas/core/ledger';
import type { DigestInput } from '../../lambdas/core/digest';
import type { Digest, ManagedNode, SourceServer } from '../../lambdas/core/model';
import type { OutcomeReport } from '../../lambdas/core/outcome-report';

let sequence = 0;

export function aSourceServerId(n = ++sequence): string {
  return `s-${String(n).padStart(17, '0')}`;
}

/** `app-` + 17 digits, as MGN names applications. */
export function anApplicationId(n = ++sequence): string {
  return `app-${String(n).padStart(17, '0')}`;
}

/** `wave-` + 17 digits, as MGN names waves. */
export function aWaveId(n = ++sequence): string {
  return `wave-${String(n).padStart(17, '0')}`;
}

export function aServer(overrides: Partial<SourceServer> = {}): SourceServer {
  const sourceServerId = overrides.sourceServerId ?? aSourceServerId();
  return {
    sourceServerId,
    arn: `arn:aws:mgn:us-east-1:111122223333:source-server/${sourceServerId}`,
    isArchived: false,
    replicationType: 'AGENT_BASED',
    lifeCycleState: 'READY_FOR_TEST',
    dataReplicationState: 'CONTINUOUS',
    lagDuration: 'PT0S',
    hostname: `host-${sourceServerId.slice(-4)}`,
    fqdn: `host-${sourceServerId.slice(-4)}.corp.example.com`,
    osFullString: 'Ubuntu 22.04.4 LTS',
    ips: ['10.0.0.10'],
    tags: {},
    ...overrides,
  };
}

export function aStalledServer(overrides: Partial<SourceServer> = {}): SourceServer {
  return aServer({
    dataReplicationState: 'STALLED',
    errorCode: 'AGENT_NOT_SEEN',
    lastSeenByServiceDateTime: '2026-11-26T06:00:00Z',
    ...overrides,
  });
}

export function aNode(overrides: Partial<ManagedNode> = {}): ManagedNode {
  return {
    instanceId: `mi-${String(++sequence).padStart(17, '0')}`,
    pingStatus: 'Online',
    platformType: 'Linux',
    ...overrides,
  };
}

/** A node registered for this server's FQDN and IP, as a hybrid activation would show it. */
export function aNodeFor(server: SourceServer, overrides: Partial<ManagedNode> = {}): ManagedNode {
  return aNode({ computerName: server.fqdn, ipAddress: server.ips[0], ...overrides });
}

/** One SSM invocation the doctor recorded; Success unless told otherwise. */
export function aCommandRecord(overrides: Partial<CommandRecord> = {}): CommandRecord {
  return {
    commandId: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
    document: 'RestartReplicationAgent',
    instanceId: 'mi-00000000000000001',
    requestedAt: '2026-11-26T08:00:00.000Z',
    status: 'Success',
    ...overrides,
  };
}

/** One treatment at `at`: a restart with the given outcome, unless the commands are given. */
export function aTreatment(at: Date, overrides: Partial<Treatment> = {}): Treatment {
  return {
    at: at.toISOString(),
    runId: `run-${++sequence}`,
    commands: [aCommandRecord({ requestedAt: at.toISOString() })],
    ...overrides,
  };
}

/** A run's report as channels receive it: the given e-mail/SMS rendering, and facts (no news unless given). */
export function anOutcomeReport(digest: Digest, facts: Partial<DigestInput> = {}): OutcomeReport {
  return {
    digest,
    facts: {
      region: 'us-east-1',
      accountId: '111122223333',
      runId: 'run1',
      trigger: 'schedule',
      dryRun: false,
      now: new Date('2026-11-26T08:00:00.000Z'),
      counts: { STALLED: 0, DISCONNECTED: 0, LAGGING: 0, UNKNOWN: 0, PROGRESSING: 0, HEALTHY: 0, IGNORED: 0 },
      news: [],
      unresolved: [],
      ...facts,
    },
  };
}
