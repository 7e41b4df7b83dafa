import { classifyServer } from '../../../lambdas/core/classify';
import type { CommandRecord, LedgerEntry } from '../../../lambdas/core/ledger';
import type { InvocationStatus } from '../../../lambdas/core/model';
import type { News, RunReport, ServerAction, ServerReport } from '../../../lambdas/core/report';
import { measureRun } from '../../../lambdas/core/run-metrics';
import { CONDITION_METRICS, METRIC, METRIC_NAMES, conditionMetric } from '../../../lambdas/shared/metric-names';
import { aStalledServer } from '../../fakes/builders';

const RUN = 'run00002';
const at = '2026-11-26T08:00:00.000Z';

const command = (
  status: InvocationStatus,
  document: CommandRecord['document'] = 'RestartReplicationAgent',
): CommandRecord => ({
  commandId: `c-${status}-${document}`,
  document,
  instanceId: 'mi-00000000000000001',
  requestedAt: at,
  status,
});

function server(options: {
  runId?: string;
  commands?: CommandRecord[];
  news?: News;
  action?: ServerAction;
  noEntry?: boolean;
}): ServerReport {
  const source = aStalledServer();
  const entry: LedgerEntry = {
    sourceServerId: source.sourceServerId,
    version: 1,
    status: 'OPEN',
    condition: 'STALLED',
    since: at,
    attempts: 1,
    treatments: options.commands ? [{ at, runId: options.runId ?? RUN, commands: options.commands }] : [],
  };
  return {
    server: source,
    classification: classifyServer(source, { lagAlertMinutes: 60, optOutTagKey: 'opt-out' }),
    action: options.action ?? 'TREATED',
    detail: '',
    entry: options.noEntry ? undefined : entry,
    news: options.news,
  };
}

function report(servers: ServerReport[], overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: RUN,
    trigger: 'schedule',
    dryRun: false,
    startedAt: '2026-11-26T08:00:00.000Z',
    finishedAt: '2026-11-26T08:00:42.500Z',
    counts: { STALLED: 2, DISCONNECTED: 1, LAGGING: 0, UNKNOWN: 3, PROGRESSING: 4, HEALTHY: 10, IGNORED: 5 },
    servers,
    commandsSent: 3,
    published: true,
    ...overrides,
  };
}

describe('metric names', () => {
  test('one metric per condition, every name distinct', () => {
    expect(conditionMetric('STALLED')).toBe('ServersStalled');
    expect(conditionMetric('IGNORED')).toBe('ServersIgnored');
    expect(Object.keys(CONDITION_METRICS)).toHaveLength(7);
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
  });
});

describe('measureRun', () => {
  test('emits every metric exactly once', () => {
    expect(Object.keys(measureRun(report([]))).sort()).toEqual([...METRIC_NAMES].sort());
  });

  test('fleet by condition, commands sent, digest and duration', () => {
    const metrics = measureRun(report([]));
    expect(metrics).toMatchObject({
      ServersStalled: 2,
      ServersDisconnected: 1,
      ServersLagging: 0,
      ServersUnknown: 3,
      ServersProgressing: 4,
      ServersHealthy: 10,
      ServersIgnored: 5,
      CommandsSent: 3,
      DigestsPublished: 1,
      RunDurationMs: 42_500,
    });
    expect(measureRun(report([], { published: false }))[METRIC.digestsPublished]).toBe(0);
  });

  test('outcomes: finished commands of treatments from this run; Success vs any other finished status', () => {
    const metrics = measureRun(
      report([
        server({
          commands: [
            command('Success'),
            command('Failed', 'CheckDiskSpace'),
            command('InProgress', 'CheckConnectivity'),
          ],
        }),
        server({
          commands: [
            command('TimedOut'),
            command('Cancelled', 'CheckDiskSpace'),
            command('SomethingNew', 'CheckConnectivity'),
          ],
        }),
      ]),
    );
    expect(metrics[METRIC.commandsSucceeded]).toBe(1);
    expect(metrics[METRIC.commandsFailed]).toBe(4);
  });

  test('outcomes: an earlier treatment counts only when its results were collected this run (news OUTCOME)', () => {
    const metrics = measureRun(
      report([
        server({ runId: 'run00001', commands: [command('Success')], news: 'OUTCOME', action: 'WAITING_FOR_RESULTS' }),
        server({ runId: 'run00001', commands: [command('Failed')], news: 'REMINDER', action: 'COOLDOWN' }),
        server({ runId: 'run00001', commands: [command('Failed')], action: 'COOLDOWN' }),
        server({ noEntry: true, action: 'WOULD_TREAT' }),
      ]),
    );
    expect(metrics[METRIC.commandsSucceeded]).toBe(1);
    expect(metrics[METRIC.commandsFailed]).toBe(0);
  });

  test('recoveries and escalations come from the news', () => {
    const metrics = measureRun(
      report([
        server({ news: 'RECOVERED', action: 'RECOVERED' }),
        server({ news: 'RECOVERED', action: 'RECOVERED' }),
        server({ news: 'ESCALATED', action: 'ESCALATED' }),
        server({ news: 'CLEARED', action: 'CLEARED' }),
      ]),
    );
    expect(metrics[METRIC.recoveries]).toBe(2);
    expect(metrics[METRIC.escalations]).toBe(1);
  });

  test('an unparseable timestamp gives a duration of 0, never NaN', () => {
    expect(measureRun(report([], { finishedAt: 'not a date' }))[METRIC.runDuration]).toBe(0);
  });
});
