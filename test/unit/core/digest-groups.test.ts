// How the digest groups news: the phrase that names what happened to a server (its group's title), the failures
// that send it to a person, and the order of the groups. Rows are the Prepare step.
import { failuresOf, groupNews, outcomeOf, sectionOf } from '../../../lambdas/core/digest-groups';
import type { LedgerEntry, Treatment } from '../../../lambdas/core/ledger';
import type { Condition } from '../../../lambdas/core/model';
import type { ServerReport } from '../../../lambdas/core/report';
import { aCommandRecord, aStalledServer, aTreatment } from '../../fakes/builders';

const NOW = new Date('2026-11-26T08:00:00Z');

interface Shape {
  readonly condition?: Condition;
  readonly treatment?: Partial<Treatment>;
  readonly attempts?: number;
}

/** A stalled server's report after one treatment (a successful restart unless the row says otherwise). */
function aReport(
  { condition = 'STALLED', treatment, attempts = 1 }: Shape = {},
  overrides: Partial<ServerReport> = {},
): ServerReport {
  const server = aStalledServer();
  const entry: LedgerEntry = {
    sourceServerId: server.sourceServerId,
    version: 2,
    status: 'OPEN',
    condition: 'STALLED',
    since: NOW.toISOString(),
    attempts,
    treatments: attempts > 0 ? [aTreatment(NOW, treatment)] : [],
  };
  return {
    server,
    classification: { condition, reason: 'as the row says', agentless: false },
    action: 'TREATED',
    detail: 'as the row says',
    news: 'NEW',
    entry,
    ...overrides,
  };
}

const failed = (document: 'RestartReplicationAgent' | 'CheckDiskSpace') => ({
  commands: [aCommandRecord({ document, status: 'Failed' })],
});

describe('outcomeOf: what happened, in the phrase its group shares', () => {
  it.each<[string, ServerReport]>([
    ['escalated after 3 treatment(s)', aReport({ attempts: 3 }, { news: 'ESCALATED' })],
    ['recovered', aReport({ condition: 'HEALTHY' }, { news: 'RECOVERED', action: 'RECOVERED' })],
    [
      'replication resumed after treatment, catching up',
      aReport({ condition: 'LAGGING' }, { news: 'RECOVERED', action: 'RECOVERED' }),
    ],
    ['no longer affected', aReport({ attempts: 0 }, { news: 'CLEARED', action: 'CLEARED' })],
    ['SSM node offline', aReport({ attempts: 0 }, { action: 'REPORTED', blocker: 'OFFLINE' })],
    ["node-ID tag disagrees with MGN's EC2 instance ID", aReport({ attempts: 0 }, { blocker: 'MISMATCH' })],
    ['treated, but RestartReplicationAgent Failed', aReport({ treatment: failed('RestartReplicationAgent') })],
    ['treated, but a command was not sent', aReport({ treatment: { sendErrors: ['CheckDiskSpace: throttled'] } })],
    [
      'treated, but RetryDataReplication REFUSED',
      aReport({
        treatment: {
          commands: [],
          serviceAction: { action: 'RetryDataReplication', at: NOW.toISOString(), outcome: 'REFUSED' },
        },
      }),
    ],
    ['would be treated (dry run)', aReport({ attempts: 0 }, { action: 'WOULD_TREAT' })],
    ['treated, results pending', aReport({}, { action: 'WAITING_FOR_RESULTS' })],
    ['treated, replication not back yet (cooldown)', aReport({}, { action: 'COOLDOWN' })],
    ['agent restarted, replication not back yet', aReport()],
    [
      'treated, replication not back yet',
      aReport({ treatment: { commands: [aCommandRecord({ document: 'CheckDiskSpace' })] } }),
    ],
    ['still unresolved', aReport({}, { news: 'REMINDER', action: 'REPORTED' })],
    ['lagging', aReport({ condition: 'LAGGING', attempts: 0 }, { action: 'REPORTED' })],
    ['reported', aReport({ condition: 'UNKNOWN', attempts: 0 }, { action: 'REPORTED' })],
  ])('"%s"', (phrase, report) => {
    // Act
    const outcome = outcomeOf(report);

    // Assess
    expect(outcome).toBe(phrase);
  });
});

describe('failuresOf: what went wrong in the last treatment', () => {
  it.each<[string, Partial<Treatment>, string[]]>([
    ['every command succeeded', {}, []],
    ['a command still running is not a failure', { commands: [aCommandRecord({ status: 'InProgress' })] }, []],
    ['a failed disk check', failed('CheckDiskSpace'), ['CheckDiskSpace Failed']],
    [
      'a timed-out restart',
      { commands: [aCommandRecord({ status: 'TimedOut' })] },
      ['RestartReplicationAgent TimedOut'],
    ],
    [
      'a retry MGN refused',
      { serviceAction: { action: 'RetryDataReplication', at: NOW.toISOString(), outcome: 'FAILED' } },
      ['RetryDataReplication FAILED'],
    ],
  ])('%s', (_name, treatment, failures) => {
    expect(failuresOf(aReport({ treatment }))).toEqual(failures);
  });

  it('an untreated server has none', () => {
    expect(failuresOf(aReport({ attempts: 0 }))).toEqual([]);
  });
});

describe('groupNews', () => {
  it('orders sections by urgency, then groups by size, and keeps the given order within a group', () => {
    // Prepare
    const restarted = [aReport(), aReport(), aReport()];
    const pending = [aReport({}, { action: 'WAITING_FOR_RESULTS' })];
    const offline = aReport({ attempts: 0 }, { action: 'REPORTED', blocker: 'OFFLINE' });
    const escalated = aReport({ attempts: 3 }, { news: 'ESCALATED' });

    // Act
    const groups = groupNews([pending[0] as ServerReport, ...restarted, offline, escalated]);

    // Assess
    expect(groups.map((group) => [group.section, group.title, group.reports])).toEqual([
      ['ESCALATED', 'STALLED AGENT_NOT_SEEN — escalated after 3 treatment(s)', [escalated]],
      ['PERSON', 'STALLED AGENT_NOT_SEEN — SSM node offline', [offline]],
      ['TREATED', 'STALLED AGENT_NOT_SEEN — agent restarted, replication not back yet', restarted],
      ['TREATED', 'STALLED AGENT_NOT_SEEN — treated, results pending', pending],
    ]);
    expect(sectionOf(offline)).toBe('PERSON');
  });
});
