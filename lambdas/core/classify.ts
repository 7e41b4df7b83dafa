// docs/design.md section 3: what each source server's replication means for the doctor. Intentional and finished
// states are checked first, so that nothing below can ever "repair" a cutover or a disconnected server.
import { parseDurationMinutes, formatMinutes } from './durations';
import type { Classification, SourceServer } from './model';

export interface ClassifyOptions {
  readonly lagAlertMinutes: number;
  readonly optOutTagKey: string;
}

/**
 * Lifecycle states in which the doctor never acts: a cutover in progress or finished, disconnected on purpose,
 * or no agent yet. Test and cutover readiness stay treatable: a stall there blocks the cutover.
 */
export const IGNORED_LIFECYCLES: ReadonlySet<string> = new Set([
  'CUTTING_OVER',
  'CUTOVER',
  'DISCONNECTED',
  'DISCOVERED',
  'PENDING_INSTALLATION',
]);
/** Lifecycle states in which replication is live and a stall is worth treating. */
const LIVE_LIFECYCLES: ReadonlySet<string> = new Set([
  'STOPPED',
  'NOT_READY',
  'READY_FOR_TEST',
  'TESTING',
  'READY_FOR_CUTOVER',
]);
const REPLICATION_TYPES: ReadonlySet<string> = new Set(['AGENT_BASED', 'SNAPSHOT_SHIPPING']);
/** Data states an operator sets on purpose (StopReplication, PauseReplication). */
const INTENTIONAL_DATA_STATES: ReadonlySet<string> = new Set(['STOPPED', 'PAUSED']);
const PROGRESSING_STATES: ReadonlySet<string> = new Set([
  'INITIATING',
  'INITIAL_SYNC',
  'BACKLOG',
  'CREATING_SNAPSHOT',
  'RESCAN',
  'PENDING_SNAPSHOT_SHIPPING',
  'SHIPPING_SNAPSHOT',
]);
const OPT_OUT_OFF_VALUES: ReadonlySet<string> = new Set(['false', 'no', '0', 'off']);

export function isOptedOut(server: SourceServer, optOutTagKey: string): boolean {
  const value = server.tags[optOutTagKey];
  return value !== undefined && !OPT_OUT_OFF_VALUES.has(value.trim().toLowerCase());
}

export function classifyServer(server: SourceServer, options: ClassifyOptions): Classification {
  const agentless = server.replicationType === 'SNAPSHOT_SHIPPING';
  const result = (condition: Classification['condition'], reason: string): Classification => ({
    condition,
    reason,
    agentless,
  });
  const lifecycle = server.lifeCycleState;
  const state = server.dataReplicationState;

  if (server.isArchived) return result('IGNORED', 'archived');
  if (lifecycle !== undefined && IGNORED_LIFECYCLES.has(lifecycle)) return result('IGNORED', `lifecycle ${lifecycle}`);
  if (state !== undefined && INTENTIONAL_DATA_STATES.has(state))
    return result('IGNORED', `replication ${state} by an operator`);
  if (isOptedOut(server, options.optOutTagKey)) return result('IGNORED', `opt-out tag ${options.optOutTagKey}`);

  // A value this version does not know (MGN adds enum values) is reported and never acted on.
  if (lifecycle !== undefined && !LIVE_LIFECYCLES.has(lifecycle))
    return result('UNKNOWN', `unknown lifecycle ${lifecycle}`);
  if (server.replicationType !== undefined && !REPLICATION_TYPES.has(server.replicationType)) {
    return result('UNKNOWN', `unknown replication type ${server.replicationType}`);
  }
  if (state === undefined) return result('UNKNOWN', 'MGN reports no data replication state');
  if (state === 'STALLED') return result('STALLED', server.errorCode ? `stalled: ${server.errorCode}` : 'stalled');
  if (state === 'DISCONNECTED')
    return result('DISCONNECTED', `data replication disconnected (lifecycle ${lifecycle ?? 'unknown'})`);

  const lagMinutes = parseDurationMinutes(server.lagDuration);
  if (
    (state === 'CONTINUOUS' || state === 'BACKLOG') &&
    lagMinutes !== undefined &&
    lagMinutes > options.lagAlertMinutes
  ) {
    return result('LAGGING', `lag ${formatMinutes(lagMinutes)} over ${formatMinutes(options.lagAlertMinutes)}`);
  }
  if (state === 'CONTINUOUS') return result('HEALTHY', 'continuous replication');
  if (PROGRESSING_STATES.has(state)) return result('PROGRESSING', state);
  return result('UNKNOWN', `unknown data replication state ${state}`);
}
