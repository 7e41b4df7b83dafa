import { classifyServer } from '../../../lambdas/core/classify';
import type { SourceServer } from '../../../lambdas/core/model';
import { aServer } from '../../fakes/builders';

const options = { lagAlertMinutes: 60, optOutTagKey: 'mgn-doctor:opt-out' };
const classify = (overrides: Partial<SourceServer>) => classifyServer(aServer(overrides), options);

describe('classifyServer (design section 3)', () => {
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
