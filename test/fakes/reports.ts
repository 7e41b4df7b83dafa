// Run reports as channels receive them: servers treated, escalated, blocked or recovered, and fleets of them with
// one failure mixed in, rendered by the real digest.
import { classifyServer } from '../../lambdas/core/classify';
import { composeDigest, type DigestInput } from '../../lambdas/core/digest';
import type { CommandRecord, LedgerEntry } from '../../lambdas/core/ledger';
import type { SourceServer } from '../../lambdas/core/model';
import type { OutcomeReport } from '../../lambdas/core/outcome-report';
import { choosePlaybook } from '../../lambdas/core/playbook';
import type { News, ServerReport } from '../../lambdas/core/report';
import { aStalledServer } from './builders';

export const NOW = new Date('2026-11-26T08:00:00.000Z');
const SINCE = '2026-11-25T06:00:00.000Z';

function aCommand(document: CommandRecord['document'], status: CommandRecord['status']): CommandRecord {
  return {
    commandId: '11111111-2222-3333-4444-555555555555',
    document,
    instanceId: 'mi-00000000000000001',
    requestedAt: NOW.toISOString(),
    status,
  };
}

export type ReportKind = 'treated' | 'failed' | 'escalated' | 'blocked' | 'recovered';

/** One server with news of the given kind, its ledger entry as the run leaves it. */
export function aServerReport(kind: ReportKind, server: SourceServer = aStalledServer()): ServerReport {
  const classification = classifyServer(
    kind === 'recovered' ? { ...server, dataReplicationState: 'CONTINUOUS', errorCode: undefined } : server,
    { lagAlertMinutes: 60, optOutTagKey: 'opt-out' },
  );
  const restart = kind === 'failed' || kind === 'escalated' ? 'Failed' : 'Success';
  const treatment = {
    at: NOW.toISOString(),
    runId: 'run1',
    commands: [aCommand('RestartReplicationAgent', restart), aCommand('CheckDiskSpace', 'Success')],
  };
  const entry: LedgerEntry = {
    sourceServerId: server.sourceServerId,
    version: 3,
    status: kind === 'escalated' ? 'ESCALATED' : kind === 'recovered' ? 'CLOSED' : 'OPEN',
    condition: 'STALLED',
    errorCode: server.errorCode,
    hostname: server.hostname,
    since: SINCE,
    attempts: kind === 'blocked' ? 0 : kind === 'escalated' ? 3 : 1,
    treatments: kind === 'blocked' ? [] : [treatment],
    ...(kind === 'blocked' ? { blocker: 'UNMANAGED', advice: 'Register the host with SSM.' } : {}),
    ...(kind === 'recovered' ? { closedAt: NOW.toISOString(), closedReason: 'RECOVERED' } : {}),
  };
  const news: Record<ReportKind, News> = {
    treated: 'NEW',
    failed: 'OUTCOME',
    escalated: 'ESCALATED',
    blocked: 'NEW',
    recovered: 'RECOVERED',
  };
  return {
    server,
    classification,
    action: kind === 'blocked' ? 'REPORTED' : kind === 'escalated' ? 'ESCALATED' : 'TREATED',
    detail: kind === 'blocked' ? 'no SSM managed node found for this host; nothing was run' : 'ran the playbook',
    blocker: kind === 'blocked' ? 'UNMANAGED' : undefined,
    playbook: choosePlaybook('STALLED', server.errorCode),
    entry,
    news: news[kind],
  };
}

/** A run's report of these servers, rendered by the real digest. */
export function aRunReport(news: readonly ServerReport[], facts: Partial<DigestInput> = {}): OutcomeReport {
  const input: DigestInput = {
    region: 'eu-west-1',
    accountId: '111122223333',
    runId: 'run1',
    trigger: 'schedule',
    dryRun: false,
    now: NOW,
    counts: { STALLED: news.length, DISCONNECTED: 0, LAGGING: 0, UNKNOWN: 0, PROGRESSING: 0, HEALTHY: 0, IGNORED: 0 },
    news,
    unresolved: [],
    ...facts,
  };
  return { facts: input, digest: composeDigest(input) };
}

/** `count` stalled servers treated, with one failed restart and one escalation mixed in (count ≥ 3). */
export function aStallOf(count: number): OutcomeReport {
  const servers = Array.from({ length: count }, (_, index) =>
    aServerReport(index === 1 ? 'failed' : index === 2 ? 'escalated' : 'treated'),
  );
  return aRunReport(servers);
}
