// docs/design.md sections 7 and 8: MGN replication is free for 2,160 hours (90 days of continuous replication) per
// source server; after that MGN bills each replicating server by the hour. The doctor warns once when a server comes
// within `freePeriodWarningDays` of the end, and once more when it reaches the end, grouped by wave.
//
// Remembering what was said: a healthy server has no ledger entry, so the marks live in one item of their own
// (FreePeriodMarks: the last phase notified per server). A stateless rule ("crossed since the previous scheduled
// run") would lose a warning whenever that one run fails or is late, and would repeat it on a Lambda retry; with
// marks, a notice is news until a published digest carried it, exactly like the ledger's other news.
import { IGNORED_LIFECYCLES } from './classify';
import { parseDurationMinutes } from './durations';
import { groupByWave, describeMigrationTerms, type MigrationTermsIndex, type WaveGroup } from './migration-terms';
import type { SourceServer } from './model';

/** Free replication hours per source server (MGN pricing). */
export const FREE_REPLICATION_HOURS = 2160;

/** ENDING: within the warning window before the end; ENDED: the free hours are used up. */
export type FreePeriodPhase = 'ENDING' | 'ENDED';

/** The last free-period notice delivered per server (servers without one are absent). */
export interface FreePeriodMarks {
  /** Optimistic lock, as for ledger entries: a save expects the stored version to be one less; 0 = never saved. */
  readonly version: number;
  readonly notified: Readonly<Record<string, FreePeriodPhase>>;
}

export const NO_FREE_PERIOD_MARKS: FreePeriodMarks = { version: 0, notified: {} };

export interface FreePeriodNotice {
  readonly sourceServerId: string;
  readonly hostname?: string;
  readonly applicationId?: string;
  readonly phase: FreePeriodPhase;
  /** Replication hours used, as MGN reports them. */
  readonly elapsedHours: number;
  /** When the free hours run out (or ran out), if replication goes on without a break. */
  readonly endsAt: string;
}

export interface FreePeriodReview {
  /** Servers past a threshold they were not yet told about: each is news once. */
  readonly notices: readonly FreePeriodNotice[];
  /** Save these once a digest carrying `notices` was published (at once when there are none). */
  readonly marks: FreePeriodMarks;
  /** Whether `marks` differ from the stored ones, so that a save is needed at all. */
  readonly changed: boolean;
}

export interface FreePeriodReviewInput {
  readonly servers: readonly SourceServer[];
  readonly marks: FreePeriodMarks;
  readonly warningDays: number;
  readonly now: Date;
  /**
   * The listing holds the whole fleet (a scheduled run), so marks of servers missing from it (archived, deleted)
   * are dropped. An event run lists single servers: it must not forget everybody else's marks.
   */
  readonly completeListing: boolean;
}

export interface FreePeriodWaveNotices extends WaveGroup<FreePeriodNotice> {
  readonly ending: readonly FreePeriodNotice[];
  readonly ended: readonly FreePeriodNotice[];
}

const HOUR_MS = 3_600_000;
const RANK: Readonly<Record<FreePeriodPhase | 'FREE', number>> = { FREE: 0, ENDING: 1, ENDED: 2 };

/**
 * Replication hours used: MGN's `elapsedReplicationDuration`; without it, the time since the first byte (an upper
 * bound, as it counts any pause, so a warning can only come early, never late).
 */
export function elapsedReplicationHours(server: SourceServer, now: Date): number | undefined {
  const minutes = parseDurationMinutes(server.elapsedReplicationDuration);
  if (minutes !== undefined) return minutes / 60;
  const firstByte = Date.parse(server.firstByteDateTime ?? '');
  return Number.isNaN(firstByte) || firstByte > now.getTime() ? undefined : (now.getTime() - firstByte) / HOUR_MS;
}

/** Cut over, cutting over, disconnected or archived servers are finished (or not replicating): no notices. */
function isWatched(server: SourceServer): boolean {
  return !server.isArchived && !(server.lifeCycleState !== undefined && IGNORED_LIFECYCLES.has(server.lifeCycleState));
}

function phaseOf(elapsedHours: number, warningDays: number): FreePeriodPhase | 'FREE' {
  if (elapsedHours >= FREE_REPLICATION_HOURS) return 'ENDED';
  // With 0 warning days the window is empty: the end is the only notice.
  return warningDays > 0 && elapsedHours >= FREE_REPLICATION_HOURS - warningDays * 24 ? 'ENDING' : 'FREE';
}

/** Which servers crossed a threshold since their last notice, and the marks to keep afterwards. */
export function reviewFreePeriods(input: FreePeriodReviewInput): FreePeriodReview {
  const { servers, marks, warningDays, now } = input;
  const next: Record<string, FreePeriodPhase> = input.completeListing ? {} : { ...marks.notified };
  const notices: FreePeriodNotice[] = [];
  for (const server of servers) {
    const id = server.sourceServerId;
    const marked = marks.notified[id];
    delete next[id];
    if (!isWatched(server)) continue;
    const elapsedHours = elapsedReplicationHours(server, now);
    // MGN said nothing about the hours this time: keep what was said before.
    if (elapsedHours === undefined) {
      if (marked !== undefined) next[id] = marked;
      continue;
    }
    const phase = phaseOf(elapsedHours, warningDays);
    // A lower phase than the mark (the warning window shrank, or MGN restarted the count) re-arms the notice.
    if (phase !== 'FREE') next[id] = phase;
    if (phase !== 'FREE' && RANK[phase] > RANK[marked ?? 'FREE']) {
      const endsAt = new Date(now.getTime() + (FREE_REPLICATION_HOURS - elapsedHours) * HOUR_MS).toISOString();
      notices.push({
        sourceServerId: id,
        ...(server.hostname !== undefined && { hostname: server.hostname }),
        ...(server.applicationId !== undefined && { applicationId: server.applicationId }),
        phase,
        elapsedHours,
        endsAt,
      });
    }
  }
  const changed = !sameMarks(marks.notified, next);
  return { notices, marks: { version: marks.version + 1, notified: next }, changed };
}

function sameMarks(
  a: Readonly<Record<string, FreePeriodPhase>>,
  b: Readonly<Record<string, FreePeriodPhase>>,
): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** The notices by wave (waves in name order, servers in no wave last), each split into ending and ended. */
export function groupFreePeriodNotices(
  notices: readonly FreePeriodNotice[],
  index: MigrationTermsIndex,
): FreePeriodWaveNotices[] {
  return groupByWave(notices, (notice) => describeMigrationTerms(notice, index)).map((group) => ({
    ...group,
    ending: group.items.filter((notice) => notice.phase === 'ENDING'),
    ended: group.items.filter((notice) => notice.phase === 'ENDED'),
  }));
}

/**
 * One line per wave, e.g. `Wave 3: free MGN replication ends by 2026-12-09 for web-01, db-02; ended (now billed
 * per server-hour) for app-03`. Servers are named by hostname (else ID), at most `maxNames` per line, then
 * "and N more". The wave prefix is left out when no server is in a wave.
 */
export function describeFreePeriodNotices(
  groups: readonly FreePeriodWaveNotices[],
  options: { readonly warningDays: number; readonly maxNames?: number },
): string[] {
  const maxNames = options.maxNames ?? 20;
  const anyWave = groups.some((group) => group.waveId !== undefined);
  return groups.map((group) => {
    const parts: string[] = [];
    if (group.ending.length > 0) {
      const lastEnd = new Date(Math.max(...group.ending.map((notice) => Date.parse(notice.endsAt)))).toISOString();
      const within = `within ${options.warningDays} days`;
      parts.push(
        `free MGN replication ends by ${lastEnd.slice(0, 10)} (${within}) for ${nameServers(group.ending, maxNames)}`,
      );
    }
    if (group.ended.length > 0) {
      const verb = parts.length > 0 ? 'ended' : 'free MGN replication ended';
      parts.push(`${verb} (now billed per server-hour) for ${nameServers(group.ended, maxNames)}`);
    }
    const prefix = anyWave ? `${group.wave ?? 'In no wave'}: ` : '';
    return `${prefix}${parts.join('; ')}`;
  });
}

function nameServers(notices: readonly FreePeriodNotice[], maxNames: number): string {
  const count = `${notices.length} server${notices.length === 1 ? '' : 's'}`;
  const names = notices.slice(0, maxNames).map((notice) => notice.hostname ?? notice.sourceServerId);
  const more = notices.length > maxNames ? ` and ${notices.length - maxNames} more` : '';
  return `${count}: ${names.join(', ')}${more}`;
}
