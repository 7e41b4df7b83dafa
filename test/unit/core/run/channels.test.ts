// The run and its channels (docs/design.md section 7): one report to the topic and to every channel; "notified"
// means the topic took it; a channel's outage or partial failure is logged and counted, never a lost digest, a
// failed run or a wrong ledger; an escalation opens one OpsItem across runs and a recovery resolves it.
import { numberedRuns } from '../../../fakes/runs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateOpsItemCommand,
  DescribeOpsItemsCommand,
  OpsItemAlreadyExistsException,
  SSMClient,
  UpdateOpsItemCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeFindingPublisher } from '../../../../lambdas/adapters/eventbridge-finding-publisher';
import {
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  ManualClock,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../../lambdas/adapters/in-memory';
import { SsmOpsItemPublisher } from '../../../../lambdas/adapters/ssm-ops-item-publisher';
import type { OutcomeReport } from '../../../../lambdas/core/outcome-report';
import { newsFingerprint } from '../../../../lambdas/core/ledger';
import type { OutcomePublisher } from '../../../../lambdas/core/ports';
import type { DoctorDependencies } from '../../../../lambdas/core/run/run-doctor';
import { measureRun } from '../../../../lambdas/core/run-metrics';
import { METRIC } from '../../../../lambdas/shared/metric-names';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../../../lambdas/shared/settings';
import { aNodeFor, aStalledServer } from '../../../fakes/builders';

const eventsMock = mockClient(EventBridgeClient);
const ssmMock = mockClient(SSMClient);

beforeEach(() => {
  eventsMock.reset();
  ssmMock.reset();
});

/** A channel that keeps what it was given. */
class RecordingChannel implements OutcomePublisher {
  readonly reports: OutcomeReport[] = [];
  async publish(report: OutcomeReport) {
    this.reports.push(report);
    return { channel: 'Recording', delivered: 1, failures: [] };
  }
}

function setup(count: number, channels: OutcomePublisher[], overrides: Partial<DoctorSettings> = {}) {
  const servers = Array.from({ length: count }, () => aStalledServer());
  const repository = new InMemorySourceServerRepository(servers);
  const commands = new RecordingCommandRunner();
  const ledger = new InMemoryLedger();
  const publisher = new RecordingPublisher();
  const clock = new ManualClock();
  const log = new MemoryLog();
  const settings: DoctorSettings = { ...DEFAULT_SETTINGS, resultWaitSeconds: 60, massStallThreshold: 0, ...overrides };
  const deps: DoctorDependencies = {
    servers: repository,
    nodes: new InMemoryNodeDirectory(servers.map((server) => aNodeFor(server))),
    commands,
    publisher,
    channels,
    ledger,
    clock,
    log,
  };
  const runNext = numberedRuns('us-east-1');
  const run = () => runNext({}, settings, deps);
  return { servers, repository, commands, ledger, publisher, clock, log, run };
}

const events = () =>
  new EventBridgeFindingPublisher(
    () => new EventBridgeClient({ maxAttempts: 1 }),
    async () => undefined,
  );

describe('the run and its channels', () => {
  it('every channel gets the very report the topic published', async () => {
    const channel = new RecordingChannel();
    const { publisher, run } = setup(2, [channel]);
    await run();
    expect(channel.reports).toHaveLength(1);
    expect(channel.reports[0]).toBe(publisher.reports[0]);
  });

  it.each([1, 150, 1000])(
    '%i stalled servers and an EventBridge outage: the digest goes out, the ledger is marked, the failures counted',
    async (count) => {
      eventsMock.on(PutEventsCommand).rejects(Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable' }));
      const { publisher, ledger, log, run } = setup(count, [events()]);

      const report = await run();

      expect(report.published).toBe(true);
      expect(publisher.published).toHaveLength(1);
      const entries = await ledger.loadEntries();
      expect(entries).toHaveLength(count);
      for (const entry of entries) expect(entry.notifiedFingerprint).toBe(newsFingerprint(entry));
      expect(report.channelFailures).toBe(count);
      expect(measureRun(report)[METRIC.channelFailures]).toBe(count);
      expect(
        log.lines.filter((line) => line.level === 'warn' && line.attributes?.channel === 'EventBridge'),
      ).toHaveLength(count);
    },
  );

  it('one PutEvents entry failing among 150: the other 149 go out, the one is sent again and nothing is lost', async () => {
    let failed = false;
    eventsMock.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => {
      const fail = !failed;
      failed = true;
      return {
        FailedEntryCount: fail ? 1 : 0,
        Entries: input.Entries.map((_, index) =>
          fail && index === 0 ? { ErrorCode: 'InternalFailure' } : { EventId: `e${index}` },
        ),
      };
    });
    const { run } = setup(150, [events()]);
    const report = await run();
    const sent = eventsMock
      .commandCalls(PutEventsCommand)
      .reduce((sum, call) => sum + (call.args[0].input.Entries?.length ?? 0), 0);
    expect(sent).toBe(151);
    expect(report.channelFailures).toBe(0);
  });

  it('the topic failing: no channel is called, and the news stays unsent for the next run', async () => {
    const channel = new RecordingChannel();
    const { publisher, run } = setup(1, [channel]);
    publisher.failures = 1;
    await expect(run()).rejects.toThrow('SNS is unavailable');
    expect(channel.reports).toHaveLength(0);
  });

  it('an escalation opens one OpsItem across runs; the recovery resolves it with a note', async () => {
    const created: string[] = [];
    ssmMock.on(CreateOpsItemCommand).callsFake((input: { OperationalData: Record<string, { Value: string }> }) => {
      const dedup = input.OperationalData['/aws/dedup']?.Value ?? '';
      if (created.includes(dedup))
        throw new OpsItemAlreadyExistsException({ $metadata: {}, message: 'exists', OpsItemId: 'oi-1' });
      created.push(dedup);
      return { OpsItemId: 'oi-1' };
    });
    ssmMock.on(DescribeOpsItemsCommand).callsFake(() => ({
      OpsItemSummaries: created.map((dedup) => ({
        OpsItemId: 'oi-1',
        OperationalData: { '/aws/dedup': { Value: dedup } },
      })),
    }));
    ssmMock.on(UpdateOpsItemCommand).resolves({});
    const opsItems = new SsmOpsItemPublisher(new SSMClient({ maxAttempts: 1 }), { blockedHours: 24 });
    const { servers, repository, clock, run } = setup(1, [opsItems], { maxAttempts: 1, cooldownMinutes: 15 });

    await run();
    for (let index = 0; index < 3; index++) {
      clock.advanceMinutes(16);
      await run();
    }
    expect(created).toHaveLength(1);
    const creates = ssmMock.commandCalls(CreateOpsItemCommand).length;

    clock.advanceMinutes(16);
    repository.update(servers[0]?.sourceServerId ?? '', { dataReplicationState: 'CONTINUOUS', errorCode: undefined });
    await run();

    expect(ssmMock.commandCalls(CreateOpsItemCommand)).toHaveLength(creates);
    expect(ssmMock.commandCalls(UpdateOpsItemCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ OpsItemId: 'oi-1', Status: 'Resolved' }),
    ]);
  });
});
