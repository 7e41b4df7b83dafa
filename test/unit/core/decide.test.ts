// decideStep, one table per rule, in the order the function checks them: another run's claim, a server that is
// no longer affected, what may be treated at all, escalated earlier, pending results, cooldown, max attempts and
// relapse. Each row is the Prepare step: a server, what MGN says about it now, and what the ledger remembers.
import { decideStep, type Step } from '../../../lambdas/core/decide';
import {
  appendTreatment,
  closeEntry,
  openEntry,
  replaceLastTreatment,
  type LedgerEntry,
} from '../../../lambdas/core/ledger';
import type { Classification, Condition, InvocationStatus, SourceServer } from '../../../lambdas/core/model';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../../lambdas/shared/settings';
import { aCommandRecord, aServer, aStalledServer, aTreatment } from '../../fakes/builders';

const NOW = new Date('2026-11-26T12:00:00Z');
const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);
const SETTINGS: DoctorSettings = {
  ...DEFAULT_SETTINGS,
  cooldownMinutes: 60,
  maxAttempts: 3,
  retryServiceSideErrors: false,
};

const stalled = aStalledServer({ errorCode: 'AGENT_NOT_SEEN' });
const serviceSide = aStalledServer({ errorCode: 'FAILED_TO_CREATE_STAGING_DISKS' });
const disconnected = aServer({ dataReplicationState: 'DISCONNECTED', errorCode: undefined });

const ALL_HOST_DOCUMENTS = ['RestartReplicationAgent', 'CheckDiskSpace', 'CheckConnectivity'];

interface Following {
  /** Treatments so far; the last one `lastMinutesAgo` minutes ago, each earlier one 90 minutes before. */
  readonly treated?: number;
  readonly lastMinutesAgo?: number;
  /** Status of the last treatment's command. */
  readonly lastStatus?: InvocationStatus;
  /** A run's claim on the server, made after the treatments; it ends `endsInMinutes` from now (< 0: it ended). */
  readonly claim?: { readonly madeMinutesAgo: number; readonly endsInMinutes: number };
}

/** A server the ledger follows since ten hours ago. */
function followed(
  { treated = 0, lastMinutesAgo = 120, lastStatus, claim }: Following = {},
  overrides: Partial<LedgerEntry> = {},
): LedgerEntry {
  let entry: LedgerEntry = { ...openEntry(stalled, 'STALLED', minutesAgo(600)), version: 1 };
  for (let n = treated; n >= 1; n--)
    entry = appendTreatment(entry, aTreatment(minutesAgo(lastMinutesAgo + (n - 1) * 90)));
  const last = entry.treatments[entry.treatments.length - 1];
  if (last && lastStatus)
    entry = replaceLastTreatment(entry, { ...last, commands: [aCommandRecord({ status: lastStatus })] });
  if (claim) {
    const inFlightUntil = minutesAgo(-claim.endsInMinutes).toISOString();
    entry = appendTreatment(entry, aTreatment(minutesAgo(claim.madeMinutesAgo), { commands: [], inFlightUntil }));
  }
  return { ...entry, ...overrides };
}

/** A followed server closed `closedMinutesAgo` minutes ago for `reason`. */
const closed = (following: Following, reason: string, closedMinutesAgo: number): LedgerEntry =>
  closeEntry(followed(following), reason, minutesAgo(closedMinutesAgo), { silent: false });

interface Row {
  readonly case: string;
  readonly condition: Condition;
  readonly server?: SourceServer;
  readonly agentless?: boolean;
  readonly entry?: LedgerEntry;
  readonly settings?: Partial<DoctorSettings>;
  readonly step: Step | Record<string, unknown>;
}

function decide(row: Row): Step {
  const classification: Classification = {
    condition: row.condition,
    reason: row.case,
    agentless: row.agentless ?? false,
  };
  return decideStep(row.server ?? stalled, classification, row.entry, { ...SETTINGS, ...row.settings }, NOW);
}

describe('decideStep: claims in flight', () => {
  it.each<Row>([
    {
      case: 'a stalled server another run is acting on is left to that run',
      condition: 'STALLED',
      entry: followed({ treated: 1, claim: { madeMinutesAgo: 1, endsInMinutes: 5 } }),
      step: { kind: 'IN_FLIGHT' },
    },
    {
      case: 'a claimed server that looks healthy is not closed under the other run',
      condition: 'HEALTHY',
      entry: followed({ treated: 1, claim: { madeMinutesAgo: 1, endsInMinutes: 5 } }),
      step: { kind: 'IN_FLIGHT' },
    },
    {
      case: 'a claimed server that reached an intentional state is not closed under the other run',
      condition: 'IGNORED',
      entry: followed({ claim: { madeMinutesAgo: 1, endsInMinutes: 1 } }),
      step: { kind: 'IN_FLIGHT' },
    },
    {
      case: 'a claim that ran out counts as a treatment done: its cooldown applies',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 200, claim: { madeMinutesAgo: 20, endsInMinutes: -5 } }),
      step: { kind: 'WAIT', why: 'COOLDOWN', until: minutesAgo(-40).toISOString() },
    },
    {
      case: 'a claim that ran out long ago: the server is treated again',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 300, claim: { madeMinutesAgo: 200, endsInMinutes: -185 } }),
      step: { kind: 'TREAT' },
    },
    {
      case: "a closed entry's claim never holds",
      condition: 'HEALTHY',
      entry: closeEntry(followed({ claim: { madeMinutesAgo: 1, endsInMinutes: 5 } }), 'RECOVERED', minutesAgo(1), {
        silent: false,
      }),
      step: { kind: 'NONE' },
    },
  ])('$case', (row) => {
    // Act
    const step = decide(row);

    // Assess
    expect(step).toMatchObject(row.step);
  });
});

describe('decideStep: a server that is no longer affected', () => {
  it.each<Row>([
    { case: 'healthy and not followed: nothing', condition: 'HEALTHY', step: { kind: 'NONE' } },
    { case: 'progressing and not followed: nothing', condition: 'PROGRESSING', step: { kind: 'NONE' } },
    { case: 'left alone on purpose and not followed: nothing', condition: 'IGNORED', step: { kind: 'NONE' } },
    {
      case: 'healthy with a closed entry: nothing',
      condition: 'HEALTHY',
      entry: closed({ treated: 1 }, 'RECOVERED', 60),
      step: { kind: 'NONE' },
    },
    {
      case: 'a followed server cut over, paused or opted out: closed without a word',
      condition: 'IGNORED',
      entry: followed({ treated: 2 }),
      step: { kind: 'CLOSE', reason: 'INTENTIONAL', silent: true },
    },
    {
      case: 'an escalated server cut over: closed without a word',
      condition: 'IGNORED',
      entry: followed({ treated: 3 }, { status: 'ESCALATED' }),
      step: { kind: 'CLOSE', reason: 'INTENTIONAL', silent: true },
    },
    {
      case: 'a treated server healthy again: recovered, and said so',
      condition: 'HEALTHY',
      entry: followed({ treated: 1 }),
      step: { kind: 'CLOSE', reason: 'RECOVERED', silent: false },
    },
    {
      case: 'a treated server progressing again: recovered',
      condition: 'PROGRESSING',
      entry: followed({ treated: 2 }),
      step: { kind: 'CLOSE', reason: 'RECOVERED', silent: false },
    },
    {
      case: 'an escalated server healthy again: recovered',
      condition: 'HEALTHY',
      entry: followed({ treated: 3 }, { status: 'ESCALATED' }),
      step: { kind: 'CLOSE', reason: 'RECOVERED', silent: false },
    },
    {
      case: 'an untreated server people were told about: cleared, and said so',
      condition: 'HEALTHY',
      entry: followed({}, { condition: 'LAGGING', notifiedAt: minutesAgo(30).toISOString() }),
      step: { kind: 'CLOSE', reason: 'CLEARED', silent: false },
    },
    {
      case: 'an untreated server nobody was told about yet: cleared silently',
      condition: 'PROGRESSING',
      entry: followed({}, { condition: 'LAGGING' }),
      step: { kind: 'CLOSE', reason: 'CLEARED', silent: true },
    },
  ])('$case', (row) => {
    // Act
    const step = decide(row);

    // Assess
    expect(step).toEqual(row.step);
  });
});

describe('decideStep: what may be treated at all', () => {
  it.each<Row>([
    {
      case: 'LAGGING is reported, never acted on',
      condition: 'LAGGING',
      server: aServer({ lagDuration: 'PT3H' }),
      step: { kind: 'REPORT', blocker: 'REPORT_ONLY', playbook: undefined },
    },
    {
      case: 'UNKNOWN is reported, never acted on',
      condition: 'UNKNOWN',
      server: aServer({ dataReplicationState: 'SOMETHING_NEW' }),
      step: { kind: 'REPORT', blocker: 'REPORT_ONLY', playbook: undefined },
    },
    {
      case: 'STALLED left out of remediateStates is reported with its playbook',
      condition: 'STALLED',
      settings: { remediateStates: ['DISCONNECTED'] },
      step: { kind: 'REPORT', blocker: 'REPORT_ONLY', playbook: { family: 'agent' } },
    },
    {
      case: 'DISCONNECTED left out of remediateStates is reported with its playbook',
      condition: 'DISCONNECTED',
      server: disconnected,
      settings: { remediateStates: ['STALLED'] },
      step: { kind: 'REPORT', blocker: 'REPORT_ONLY', playbook: { family: 'disconnected' } },
    },
    {
      case: 'an agentless server has no agent to act on',
      condition: 'STALLED',
      agentless: true,
      step: { kind: 'REPORT', blocker: 'AGENTLESS', playbook: { family: 'agent' } },
    },
    {
      case: 'an agentless disconnected server has no agent to act on',
      condition: 'DISCONNECTED',
      server: disconnected,
      agentless: true,
      step: { kind: 'REPORT', blocker: 'AGENTLESS' },
    },
    {
      case: 'a service-side error while RetryDataReplication is off is reported',
      condition: 'STALLED',
      server: serviceSide,
      step: { kind: 'REPORT', blocker: 'SERVICE_RETRY_DISABLED', playbook: { family: 'service' } },
    },
    {
      case: 'a service-side error on an agentless server, retry off: reported as agentless',
      condition: 'STALLED',
      server: serviceSide,
      agentless: true,
      step: { kind: 'REPORT', blocker: 'AGENTLESS' },
    },
    {
      case: 'a stall the doctor can act on, first seen: all three documents on the host',
      condition: 'STALLED',
      step: { kind: 'TREAT', playbook: { hostDocuments: ALL_HOST_DOCUMENTS, serviceAction: undefined } },
    },
    {
      case: 'a service-side error with RetryDataReplication on: retried, nothing on the host',
      condition: 'STALLED',
      server: serviceSide,
      settings: { retryServiceSideErrors: true },
      step: { kind: 'TREAT', playbook: { hostDocuments: [], serviceAction: 'RetryDataReplication' } },
    },
    {
      case: 'a service-side error on an agentless server with retry on: retried',
      condition: 'STALLED',
      server: serviceSide,
      agentless: true,
      settings: { retryServiceSideErrors: true },
      step: { kind: 'TREAT', playbook: { hostDocuments: [], serviceAction: 'RetryDataReplication' } },
    },
    {
      case: 'a disconnected server is never retried on the service side, whatever its error code',
      condition: 'DISCONNECTED',
      server: aServer({ dataReplicationState: 'DISCONNECTED', errorCode: 'SNAPSHOTS_FAILURE' }),
      settings: { retryServiceSideErrors: true },
      step: {
        kind: 'TREAT',
        playbook: { hostDocuments: ['RestartReplicationAgent', 'CheckDiskSpace'], serviceAction: undefined },
      },
    },
    {
      case: 'a network error with retry on: host checks only (the playbook has no service action)',
      condition: 'STALLED',
      server: aStalledServer({ errorCode: 'UNSTABLE_NETWORK' }),
      settings: { retryServiceSideErrors: true },
      step: {
        kind: 'TREAT',
        playbook: { hostDocuments: ['CheckConnectivity', 'RestartReplicationAgent'], serviceAction: undefined },
      },
    },
    {
      case: 'a followed server never treated before (it was unmanaged) is treated once it can be',
      condition: 'STALLED',
      entry: followed({}, { blocker: 'UNMANAGED' }),
      step: { kind: 'TREAT' },
    },
  ])('$case', (row) => {
    // Act
    const step = decide(row);

    // Assess
    expect(step).toMatchObject(row.step);
  });
});

describe('decideStep: escalated earlier', () => {
  it.each<Row>([
    {
      case: 'no more automatic actions after the escalation, however long ago',
      condition: 'STALLED',
      entry: followed({ treated: 3, lastMinutesAgo: 5000 }, { status: 'ESCALATED' }),
      step: { kind: 'ESCALATED', playbook: { family: 'agent', hostDocuments: ALL_HOST_DOCUMENTS } },
    },
    {
      case: 'still escalated when the error code changes',
      condition: 'STALLED',
      server: aStalledServer({ errorCode: 'NOT_CONVERGING' }),
      entry: followed({ treated: 3 }, { status: 'ESCALATED' }),
      step: { kind: 'ESCALATED', playbook: { family: 'converging' } },
    },
    {
      case: 'escalated, then replication resumed and is catching up: recovered',
      condition: 'LAGGING',
      entry: followed({ treated: 3 }, { status: 'ESCALATED' }),
      step: { kind: 'CLOSE', reason: 'RECOVERED', silent: false },
    },
  ])('$case', (row) => {
    // Act
    const step = decide(row);

    // Assess
    expect(step).toMatchObject(row.step);
  });
});

describe('decideStep: pending results', () => {
  it.each<InvocationStatus>(['Pending', 'InProgress', 'Delayed', 'Cancelling'])(
    'a last command still %s: wait for its results, not treat again',
    (lastStatus) => {
      // Prepare
      const entry = followed({ treated: 1, lastMinutesAgo: 5, lastStatus });

      // Act
      const step = decide({ case: lastStatus, condition: 'STALLED', entry, step: {} });

      // Assess
      expect(step).toMatchObject({ kind: 'WAIT', why: 'PENDING_RESULTS', playbook: { family: 'agent' } });
    },
  );

  it.each<Row>([
    {
      case: 'keeps waiting for results past the cooldown',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 300, lastStatus: 'InProgress' }),
      step: { kind: 'WAIT', why: 'PENDING_RESULTS' },
    },
    {
      case: 'waits for the last results before escalating',
      condition: 'STALLED',
      entry: followed({ treated: 3, lastMinutesAgo: 300, lastStatus: 'InProgress' }),
      step: { kind: 'WAIT', why: 'PENDING_RESULTS' },
    },
    {
      case: 'a status SSM adds later counts as finished, so the doctor never waits forever',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 300, lastStatus: 'Hibernating' }),
      step: { kind: 'TREAT' },
    },
    {
      case: 'finished results (TimedOut) end the wait',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 300, lastStatus: 'TimedOut' }),
      step: { kind: 'TREAT' },
    },
  ])('$case', (row) => {
    // Act
    const step = decide(row);

    // Assess
    expect(step).toMatchObject(row.step);
  });
});

describe('decideStep: cooldown', () => {
  it.each<Row>([
    {
      case: 'treated 30 minutes ago with a 60-minute cooldown: wait, and say until when',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 30 }),
      step: { kind: 'WAIT', why: 'COOLDOWN', until: minutesAgo(-30).toISOString(), playbook: { family: 'agent' } },
    },
    {
      case: 'one minute before the cooldown ends: still waiting',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 59 }),
      step: { kind: 'WAIT', why: 'COOLDOWN' },
    },
    {
      case: 'the moment the cooldown ends: treated again',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 60 }),
      step: { kind: 'TREAT' },
    },
    {
      case: 'a cooldown of 0: treated again at once',
      condition: 'STALLED',
      settings: { cooldownMinutes: 0 },
      entry: followed({ treated: 1, lastMinutesAgo: 0 }),
      step: { kind: 'TREAT' },
    },
    {
      case: 'an entry without lastAttemptAt counts from its last treatment',
      condition: 'STALLED',
      entry: followed({ treated: 1, lastMinutesAgo: 20 }, { lastAttemptAt: undefined }),
      step: { kind: 'WAIT', why: 'COOLDOWN', until: minutesAgo(-40).toISOString() },
    },
    {
      case: 'the cooldown applies to service-side retries too',
      condition: 'STALLED',
      server: serviceSide,
      settings: { retryServiceSideErrors: true },
      entry: followed({ treated: 1, lastMinutesAgo: 10 }),
      step: { kind: 'WAIT', why: 'COOLDOWN', playbook: { serviceAction: 'RetryDataReplication' } },
    },
  ])('$case', (row) => {
    // Act
    const step = decide(row);

    // Assess
    expect(step).toMatchObject(row.step);
  });
});

describe('decideStep: max attempts, then escalate', () => {
  it.each<Row>([
    {
      case: 'one treatment short of maxAttempts: treated again',
      condition: 'STALLED',
      entry: followed({ treated: 2, lastMinutesAgo: 90 }),
      step: { kind: 'TREAT' },
    },
    {
      case: 'maxAttempts treatments and one more cooldown without recovery: escalated',
      condition: 'STALLED',
      entry: followed({ treated: 3, lastMinutesAgo: 90 }),
      step: { kind: 'ESCALATE', playbook: { family: 'agent', hostDocuments: ALL_HOST_DOCUMENTS } },
    },
    {
      case: 'maxAttempts treatments, the last one still cooling down: the fix gets its time first',
      condition: 'STALLED',
      entry: followed({ treated: 3, lastMinutesAgo: 30 }),
      step: { kind: 'WAIT', why: 'COOLDOWN' },
    },
    {
      case: 'maxAttempts of 1: escalated after the first treatment and a cooldown',
      condition: 'STALLED',
      settings: { maxAttempts: 1 },
      entry: followed({ treated: 1, lastMinutesAgo: 61 }),
      step: { kind: 'ESCALATE' },
    },
    {
      case: 'a disconnected server escalates the same way',
      condition: 'DISCONNECTED',
      server: disconnected,
      entry: followed({ treated: 3, lastMinutesAgo: 61 }, { condition: 'DISCONNECTED' }),
      step: { kind: 'ESCALATE', playbook: { family: 'disconnected' } },
    },
  ])('$case', (row) => {
    // Act
    const step = decide(row);

    // Assess
    expect(step).toMatchObject(row.step);
  });
});

describe('decideStep: relapse after a recovery', () => {
  it.each<Row>([
    {
      case: 'stalls again within a day of recovering after maxAttempts treatments: escalated, not treated afresh',
      condition: 'STALLED',
      entry: closed({ treated: 3, lastMinutesAgo: 180 }, 'RECOVERED', 120),
      step: { kind: 'ESCALATE' },
    },
    {
      case: 'stalls again within a day after one treatment: treated again',
      condition: 'STALLED',
      entry: closed({ treated: 1, lastMinutesAgo: 180 }, 'RECOVERED', 120),
      step: { kind: 'TREAT' },
    },
    {
      case: 'stalls again within the cooldown of the treatment that fixed it: waits',
      condition: 'STALLED',
      entry: closed({ treated: 1, lastMinutesAgo: 40 }, 'RECOVERED', 20),
      step: { kind: 'WAIT', why: 'COOLDOWN', until: minutesAgo(-20).toISOString() },
    },
    {
      case: 'stalls again days after recovering: followed afresh',
      condition: 'STALLED',
      entry: closed({ treated: 3, lastMinutesAgo: 3000 }, 'RECOVERED', 2880),
      step: { kind: 'TREAT' },
    },
    {
      case: 'stalls again soon after a close that was not a recovery: followed afresh',
      condition: 'STALLED',
      entry: closed({ treated: 3, lastMinutesAgo: 30 }, 'lifecycle CUTOVER', 20),
      step: { kind: 'TREAT' },
    },
    {
      case: 'stalls again soon after a lag cleared: followed afresh',
      condition: 'STALLED',
      entry: closed({}, 'CLEARED', 10),
      step: { kind: 'TREAT' },
    },
  ])('$case', (row) => {
    // Act
    const step = decide(row);

    // Assess
    expect(step).toMatchObject(row.step);
  });
});
