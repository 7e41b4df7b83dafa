import type {
  DataReplicationState as MgnDataReplicationState,
  LifeCycleState as MgnLifeCycleState,
  ReplicationType as MgnReplicationType,
} from '@aws-sdk/client-mgn';
import { classifyServer, isOptedOut } from '../../../lambdas/core/classify';
import type { Condition, SourceServer } from '../../../lambdas/core/model';
import { aServer } from '../../fakes/builders';

const options = { lagAlertMinutes: 60, optOutTagKey: 'mgn-doctor:opt-out' };
const classify = (overrides: Partial<SourceServer>) => classifyServer(aServer(overrides), options);

describe('classifyServer (docs/design.md section 3)', () => {
  it.each<[string, Partial<SourceServer>]>([
    ['archived', { isArchived: true, dataReplicationState: 'STALLED' }],
    ['cutover lifecycle', { lifeCycleState: 'CUTOVER', dataReplicationState: 'DISCONNECTED' }],
    ['disconnected lifecycle', { lifeCycleState: 'DISCONNECTED', dataReplicationState: 'DISCONNECTED' }],
    ['discovered (agentless, not replicating)', { lifeCycleState: 'DISCOVERED', dataReplicationState: 'STALLED' }],
    ['pending installation', { lifeCycleState: 'PENDING_INSTALLATION', dataReplicationState: undefined }],
    ['stopped by an operator', { dataReplicationState: 'STOPPED' }],
    ['paused by an operator', { dataReplicationState: 'PAUSED' }],
    ['opt-out tag', { dataReplicationState: 'STALLED', tags: { 'mgn-doctor:opt-out': 'true' } }],
    ['opt-out tag with an empty value', { dataReplicationState: 'STALLED', tags: { 'mgn-doctor:opt-out': '' } }],
  ])('IGNORED: %s', (_name, overrides) => {
    expect(classify(overrides).condition).toBe('IGNORED');
  });

  it('an opt-out tag set to false does not opt out', () => {
    expect(classify({ dataReplicationState: 'STALLED', tags: { 'mgn-doctor:opt-out': 'False' } }).condition).toBe(
      'STALLED',
    );
  });

  it('never treats a finished migration as disconnected, whatever the data state says', () => {
    const finalized = classify({
      lifeCycleState: 'CUTOVER',
      dataReplicationState: 'DISCONNECTED',
      lagDuration: undefined,
    });
    expect(finalized).toMatchObject({ condition: 'IGNORED', reason: 'lifecycle CUTOVER' });
  });

  it('STALLED with and without an error code', () => {
    expect(classify({ dataReplicationState: 'STALLED', errorCode: 'AGENT_NOT_SEEN' })).toMatchObject({
      condition: 'STALLED',
      reason: 'stalled: AGENT_NOT_SEEN',
    });
    expect(classify({ dataReplicationState: 'STALLED', errorCode: undefined }).condition).toBe('STALLED');
  });

  it('DISCONNECTED data state on a live lifecycle', () => {
    expect(classify({ lifeCycleState: 'READY_FOR_TEST', dataReplicationState: 'DISCONNECTED' }).condition).toBe(
      'DISCONNECTED',
    );
  });

  it.each(['CONTINUOUS', 'BACKLOG'])('LAGGING: %s with lag over the threshold', (state) => {
    expect(classify({ dataReplicationState: state, lagDuration: 'PT1H1M' }).condition).toBe('LAGGING');
    expect(classify({ dataReplicationState: state, lagDuration: 'P1D' }).condition).toBe('LAGGING');
  });

  it('not LAGGING at or under the threshold', () => {
    expect(classify({ dataReplicationState: 'CONTINUOUS', lagDuration: 'PT60M' }).condition).toBe('HEALTHY');
    expect(classify({ dataReplicationState: 'BACKLOG', lagDuration: 'PT5M' }).condition).toBe('PROGRESSING');
  });

  it.each([
    'INITIATING',
    'INITIAL_SYNC',
    'BACKLOG',
    'CREATING_SNAPSHOT',
    'RESCAN',
    'PENDING_SNAPSHOT_SHIPPING',
    'SHIPPING_SNAPSHOT',
  ])('PROGRESSING: %s', (state) => {
    expect(classify({ dataReplicationState: state, lagDuration: undefined }).condition).toBe('PROGRESSING');
  });

  it('HEALTHY: CONTINUOUS', () => {
    expect(classify({ dataReplicationState: 'CONTINUOUS', lagDuration: 'PT10S' }).condition).toBe('HEALTHY');
  });

  it('UNKNOWN: a data state MGN adds later, and a missing one', () => {
    expect(classify({ dataReplicationState: 'QUANTUM_ENTANGLED' })).toMatchObject({
      condition: 'UNKNOWN',
      reason: 'unknown data replication state QUANTUM_ENTANGLED',
    });
    expect(classify({ dataReplicationState: undefined }).condition).toBe('UNKNOWN');
  });

  it('a stall under a lifecycle this version does not know is reported, never treated', () => {
    expect(classify({ lifeCycleState: 'SOMETHING_NEW', dataReplicationState: 'STALLED' })).toMatchObject({
      condition: 'UNKNOWN',
      reason: 'unknown lifecycle SOMETHING_NEW',
    });
  });

  it('a cutover in progress (CUTTING_OVER) is left alone, even when stalled', () => {
    expect(classify({ lifeCycleState: 'CUTTING_OVER', dataReplicationState: 'STALLED' }).condition).toBe('IGNORED');
  });

  it.each(['NOT_READY', 'READY_FOR_TEST', 'TESTING', 'READY_FOR_CUTOVER'])(
    'a stall during %s stays treatable: it blocks the test or the cutover',
    (lifeCycleState) => {
      expect(classify({ lifeCycleState, dataReplicationState: 'STALLED' }).condition).toBe('STALLED');
    },
  );

  it('a replication type this version does not know is reported, never treated', () => {
    expect(classify({ replicationType: 'SOMETHING_NEW', dataReplicationState: 'STALLED' })).toMatchObject({
      condition: 'UNKNOWN',
      reason: 'unknown replication type SOMETHING_NEW',
    });
  });

  it('marks agentless servers', () => {
    expect(classify({ replicationType: 'SNAPSHOT_SHIPPING', dataReplicationState: 'STALLED' })).toMatchObject({
      condition: 'STALLED',
      agentless: true,
    });
    expect(classify({ dataReplicationState: 'STALLED' }).agentless).toBe(false);
  });

  it('a malformed lag is not a lag', () => {
    expect(classify({ dataReplicationState: 'CONTINUOUS', lagDuration: 'soon' }).condition).toBe('HEALTHY');
  });
});

// The README's table "How the doctor treats a server", row by row. The tables are keyed by the MGN SDK's own
// enum types, so a value MGN adds to its API fails the type check as a missing row; one value it may add later
// stands for the ones this version cannot know.
describe('classifyServer: the README table, for every value MGN reports', () => {
  /** On a live lifecycle, without lag. */
  const BY_DATA_STATE: Record<MgnDataReplicationState, Condition> = {
    STOPPED: 'IGNORED',
    PAUSED: 'IGNORED',
    STALLED: 'STALLED',
    DISCONNECTED: 'DISCONNECTED',
    INITIATING: 'PROGRESSING',
    INITIAL_SYNC: 'PROGRESSING',
    BACKLOG: 'PROGRESSING',
    CREATING_SNAPSHOT: 'PROGRESSING',
    RESCAN: 'PROGRESSING',
    PENDING_SNAPSHOT_SHIPPING: 'PROGRESSING',
    SHIPPING_SNAPSHOT: 'PROGRESSING',
    CONTINUOUS: 'HEALTHY',
  };

  it.each<[string | undefined, Condition]>([
    ...Object.entries(BY_DATA_STATE),
    ['A_STATE_MGN_ADDS_LATER', 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
  ])('data replication state %s → %s', (dataReplicationState, condition) => {
    // Prepare
    const server = aServer({ lifeCycleState: 'READY_FOR_TEST', dataReplicationState, lagDuration: 'PT0S' });

    // Act
    const classification = classifyServer(server, options);

    // Assess
    expect(classification.condition).toBe(condition);
  });

  /**
   * For a stalled server: a cutover in progress or finished, a disconnect on purpose or no agent yet leave it alone;
   * the live lifecycles keep it treatable; a lifecycle this version does not know is reported, never treated.
   */
  const BY_LIFECYCLE: Record<MgnLifeCycleState, Condition> = {
    CUTTING_OVER: 'IGNORED',
    CUTOVER: 'IGNORED',
    DISCONNECTED: 'IGNORED',
    DISCOVERED: 'IGNORED',
    PENDING_INSTALLATION: 'IGNORED',
    NOT_READY: 'STALLED',
    READY_FOR_TEST: 'STALLED',
    TESTING: 'STALLED',
    READY_FOR_CUTOVER: 'STALLED',
    STOPPED: 'STALLED',
  };

  it.each<[string | undefined, Condition]>([
    ...Object.entries(BY_LIFECYCLE),
    ['A_LIFECYCLE_MGN_ADDS_LATER', 'UNKNOWN'],
    [undefined, 'STALLED'],
  ])('lifecycle %s with replication STALLED → %s', (lifeCycleState, condition) => {
    // Prepare
    const server = aServer({ lifeCycleState, dataReplicationState: 'STALLED', errorCode: 'AGENT_NOT_SEEN' });

    // Act
    const classification = classifyServer(server, options);

    // Assess
    expect(classification.condition).toBe(condition);
  });

  it.each<[string, string | undefined, Condition]>([
    ['CONTINUOUS', 'PT1H1M', 'LAGGING'],
    ['CONTINUOUS', 'PT1H', 'HEALTHY'],
    ['BACKLOG', 'PT2H', 'LAGGING'],
    ['BACKLOG', 'PT59M', 'PROGRESSING'],
    ['CONTINUOUS', undefined, 'HEALTHY'],
    ['INITIAL_SYNC', 'P1D', 'PROGRESSING'],
    ['RESCAN', 'PT5H', 'PROGRESSING'],
    ['STALLED', 'P1D', 'STALLED'],
    ['DISCONNECTED', 'P1D', 'DISCONNECTED'],
  ])('%s with lag %s (alert over 60 minutes) → %s', (dataReplicationState, lagDuration, condition) => {
    // Prepare
    const server = aServer({ dataReplicationState, lagDuration });

    // Act
    const classification = classifyServer(server, options);

    // Assess
    expect(classification.condition).toBe(condition);
  });

  it.each<[string, Partial<SourceServer>, string]>([
    ['archived', { isArchived: true, lifeCycleState: 'CUTOVER', dataReplicationState: 'PAUSED' }, 'archived'],
    ['lifecycle', { lifeCycleState: 'CUTOVER', dataReplicationState: 'PAUSED' }, 'lifecycle CUTOVER'],
    [
      'intentional data state',
      { dataReplicationState: 'PAUSED', tags: { 'mgn-doctor:opt-out': 'yes' } },
      'replication PAUSED by an operator',
    ],
    [
      'opt-out tag',
      { dataReplicationState: 'STALLED', tags: { 'mgn-doctor:opt-out': 'yes' } },
      'opt-out tag mgn-doctor:opt-out',
    ],
  ])('left alone, the first reason wins: %s', (_rule, overrides, reason) => {
    // Act
    const classification = classify(overrides);

    // Assess
    expect(classification).toMatchObject({ condition: 'IGNORED', reason });
  });

  it.each<[Partial<SourceServer>, string]>([
    [{ dataReplicationState: 'STALLED', errorCode: 'NOT_CONVERGING' }, 'stalled: NOT_CONVERGING'],
    [{ dataReplicationState: 'STALLED', errorCode: undefined }, 'stalled'],
    [
      { lifeCycleState: 'TESTING', dataReplicationState: 'DISCONNECTED' },
      'data replication disconnected (lifecycle TESTING)',
    ],
    [
      { lifeCycleState: undefined, dataReplicationState: 'DISCONNECTED' },
      'data replication disconnected (lifecycle unknown)',
    ],
    [{ dataReplicationState: 'CONTINUOUS', lagDuration: 'PT1H30M' }, 'lag 1h 30m over 1h'],
    [{ dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' }, 'continuous replication'],
    [{ dataReplicationState: 'RESCAN' }, 'RESCAN'],
    [{ dataReplicationState: undefined }, 'MGN reports no data replication state'],
    [
      { lifeCycleState: 'A_LIFECYCLE_MGN_ADDS_LATER', dataReplicationState: 'STALLED' },
      'unknown lifecycle A_LIFECYCLE_MGN_ADDS_LATER',
    ],
    [
      { replicationType: 'A_TYPE_MGN_ADDS_LATER', dataReplicationState: 'STALLED' },
      'unknown replication type A_TYPE_MGN_ADDS_LATER',
    ],
  ])('says why in words for the digest: %o → "%s"', (overrides, reason) => {
    expect(classify(overrides).reason).toBe(reason);
  });

  /** For a stalled server: agentless servers stay STALLED (the decision says no agent can be acted on). */
  const BY_REPLICATION_TYPE: Record<MgnReplicationType, [Condition, boolean]> = {
    AGENT_BASED: ['STALLED', false],
    SNAPSHOT_SHIPPING: ['STALLED', true],
  };

  it.each<[string | undefined, [Condition, boolean]]>([
    ...Object.entries(BY_REPLICATION_TYPE),
    ['A_TYPE_MGN_ADDS_LATER', ['UNKNOWN', false]],
    [undefined, ['STALLED', false]],
  ])('replication type %s → [condition, agentless] %j', (replicationType, [condition, agentless]) => {
    expect(classify({ replicationType, dataReplicationState: 'STALLED' })).toMatchObject({ condition, agentless });
  });
});

describe('isOptedOut', () => {
  it.each<[string | undefined, boolean]>([
    ['true', true],
    ['yes', true],
    ['1', true],
    ['', true],
    ['until the cutover', true],
    ['false', false],
    [' FALSE ', false],
    ['no', false],
    ['0', false],
    ['off', false],
    ['Off', false],
    [undefined, false],
  ])('tag value %p → opted out: %s', (value, optedOut) => {
    // Prepare
    const server = aServer({ tags: value === undefined ? {} : { 'mgn-doctor:opt-out': value } });

    // Act
    const result = isOptedOut(server, 'mgn-doctor:opt-out');

    // Assess
    expect(result).toBe(optedOut);
  });

  it('only the configured key counts', () => {
    expect(isOptedOut(aServer({ tags: { 'mgn-doctor:opt-out': 'yes' } }), 'team:skip-doctor')).toBe(false);
  });
});
