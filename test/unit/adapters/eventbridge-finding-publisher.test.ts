// EventBridgeFindingPublisher against aws-sdk-client-mock: one event per piece of news, in PutEvents batches of at
// most 10 entries and 256 KB; failed entries (FailedEntryCount) sent again; what still fails reported, never thrown.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  batchEntries,
  entrySize,
  EventBridgeFindingPublisher,
  PUT_EVENTS_MAX_BYTES,
} from '../../../lambdas/adapters/eventbridge-finding-publisher';
import type { FindingDetail } from '../../../lambdas/core/finding-events';
import { aStalledServer } from '../../fakes/builders';
import { aRunReport, aServerReport, aStallOf, NOW } from '../../fakes/reports';

const eventsMock = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ maxAttempts: 1 });
const sleeps: number[] = [];
const publisher = () =>
  new EventBridgeFindingPublisher(
    () => client,
    async (ms) => {
      sleeps.push(ms);
    },
  );
const sentEntries = () => eventsMock.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const accepted = (entries: PutEventsRequestEntry[] = []) => ({
  FailedEntryCount: 0,
  Entries: entries.map((_, index) => ({ EventId: `e-${index}` })),
});

beforeEach(() => {
  eventsMock.reset();
  sleeps.length = 0;
});

describe('EventBridgeFindingPublisher', () => {
  it('one event per piece of news: source, detail-type, the server ARN, and the detail a rule can match', async () => {
    eventsMock.on(PutEventsCommand).callsFake((input) => accepted(input.Entries));
    const server = aStalledServer({ hostname: 'db-primary' });

    const delivery = await publisher().publish(aRunReport([aServerReport('escalated', server)]));

    expect(delivery).toEqual({ channel: 'EventBridge', delivered: 1, failures: [] });
    const [entry] = sentEntries();
    expect(entry).toMatchObject({
      Source: 'mgn-replication-doctor',
      DetailType: 'MGN Replication Doctor Finding',
      Time: NOW,
      Resources: [server.arn],
    });
    expect(entry?.EventBusName).toBeUndefined();
    expect(JSON.parse(entry?.Detail ?? '{}') as FindingDetail).toEqual({
      runId: 'run1',
      trigger: 'schedule',
      dryRun: false,
      sourceServerId: server.sourceServerId,
      hostname: 'db-primary',
      condition: 'STALLED',
      errorCode: 'AGENT_NOT_SEEN',
      news: 'ESCALATED',
      action: 'ESCALATED',
      outcome: 'escalated after 3 treatment(s)',
      attempt: 3,
      commands: [
        {
          commandId: '11111111-2222-3333-4444-555555555555',
          document: 'RestartReplicationAgent',
          instanceId: 'mi-00000000000000001',
          status: 'Failed',
        },
        {
          commandId: '11111111-2222-3333-4444-555555555555',
          document: 'CheckDiskSpace',
          instanceId: 'mi-00000000000000001',
          status: 'Success',
        },
      ],
      needsPerson: true,
    });
  });

  it.each([
    [1, 1],
    [150, 15],
    [1000, 100],
  ])('%i servers: %i PutEvents calls of at most 10 entries', async (count, calls) => {
    eventsMock.on(PutEventsCommand).callsFake((input) => accepted(input.Entries));
    const report = count >= 3 ? aStallOf(count) : aRunReport([aServerReport('treated')]);
    const delivery = await publisher().publish(report);
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, calls);
    for (const call of eventsMock.commandCalls(PutEventsCommand))
      expect(call.args[0].input.Entries?.length).toBeLessThanOrEqual(10);
    expect(delivery.delivered).toBe(count);
  });

  it('batches also close at 256 KB, counted as EventBridge counts an entry', () => {
    const big = (n: number): PutEventsRequestEntry => ({
      Source: 'mgn-replication-doctor',
      DetailType: 'MGN Replication Doctor Finding',
      Time: NOW,
      Resources: [`arn:aws:mgn:eu-west-1:111122223333:source-server/s-${n}`],
      Detail: JSON.stringify({ pad: 'x'.repeat(60_000) }),
    });
    const entries = Array.from({ length: 9 }, (_, n) => big(n));
    const batches = batchEntries(entries);
    expect(batches.map((batch) => batch.length)).toEqual([4, 4, 1]);
    for (const batch of batches)
      expect(batch.reduce((sum, entry) => sum + entrySize(entry), 0)).toBeLessThanOrEqual(PUT_EVENTS_MAX_BYTES);
    expect(entrySize({ Time: NOW, Source: 'ab', DetailType: 'c', Detail: 'é', Resources: ['d'] })).toBe(
      14 + 2 + 1 + 2 + 1,
    );
  });

  it('one entry failing is sent again alone, and delivered on the retry', async () => {
    eventsMock
      .on(PutEventsCommand)
      .callsFakeOnce((input) => ({
        FailedEntryCount: 1,
        Entries: (input.Entries ?? []).map((_: unknown, index: number) =>
          index === 3 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e-${index}` },
        ),
      }))
      .callsFake((input) => accepted(input.Entries));

    const report = aStallOf(10);
    const delivery = await publisher().publish(report);

    expect(delivery).toEqual({ channel: 'EventBridge', delivered: 10, failures: [] });
    const calls = eventsMock.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 1]);
    expect(calls[1]?.[0]).toEqual(calls[0]?.[3]);
    expect(sleeps).toEqual([100]);
  });

  it('an entry that keeps failing is reported after three sends; the others are delivered', async () => {
    const report = aStallOf(25);
    const stuck = report.facts.news[12]?.server.sourceServerId ?? '';
    eventsMock.on(PutEventsCommand).callsFake((input) => ({
      FailedEntryCount: (input.Entries ?? []).filter((entry: PutEventsRequestEntry) => entry.Detail?.includes(stuck))
        .length,
      Entries: (input.Entries ?? []).map((entry: PutEventsRequestEntry, index: number) =>
        entry.Detail?.includes(stuck)
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
          : { EventId: `e-${index}` },
      ),
    }));

    const delivery = await publisher().publish(report);

    expect(delivery.delivered).toBe(24);
    expect(delivery.failures).toEqual([`PutEvents ${stuck}: ThrottlingException: Rate exceeded`]);
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, 3 + 2);
  });

  it('an EventBridge outage is reported per entry, never thrown', async () => {
    eventsMock
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    const delivery = await publisher().publish(aStallOf(3));
    expect(delivery.delivered).toBe(0);
    expect(delivery.failures).toHaveLength(3);
    expect(delivery.failures[0]).toMatch(/^PutEvents s-\d+: ServiceUnavailable: Service unavailable$/);
  });
});
