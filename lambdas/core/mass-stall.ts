// A mass stall (a VPN drop, a firewall change, a full staging subnet) stalls many servers with one cause.
// Restarting 150 agents does not fix a firewall, so past `massStallThreshold` newly stalled servers the doctor
// treats a small sample first and holds the other agent restarts until a sample server recovers: that shows a
// restart helps. The hold ends by itself when the stalls are older than the window (a person has had the
// finding, with its evidence, for that long). Pure: the plan applies it. See docs/design.md section 4.
import type { LedgerEntry } from './ledger';

/** Stalls that began within this window count toward one mass stall. */
export const MASS_STALL_WINDOW_HOURS = 6;
/** Servers treated in full (restart included) while the others wait. */
export const MASS_STALL_SAMPLE_SIZE = 5;

const AFFECTED: ReadonlySet<string> = new Set(['STALLED', 'DISCONNECTED']);

const within = (at: string | undefined, now: Date): boolean =>
  at !== undefined && now.getTime() - Date.parse(at) < MASS_STALL_WINDOW_HOURS * 3_600_000;

export interface SampleRule {
  /** True when restarts beyond the sample are held. */
  readonly holding: boolean;
  /** How many more servers may join the sample in this run. */
  readonly openSlots: number;
  /** Servers in the mass stall, for the digest's evidence. */
  readonly size: number;
}

/**
 * `entries`: the ledger as this run read it. `newlyAffected`: servers stalled now that the ledger does not follow
 * yet (an event run sees one; the ledger counts the rest). `recoveredNow`: a treated server recovered in this run.
 */
export function decideSampleRule(
  entries: Iterable<LedgerEntry>,
  newlyAffected: number,
  recoveredNow: boolean,
  threshold: number,
  now: Date,
): SampleRule {
  const all = [...entries];
  const open = all.filter((entry) => entry.status !== 'CLOSED' && AFFECTED.has(entry.condition));
  const size = open.filter((entry) => within(entry.since, now)).length + newlyAffected;
  if (threshold === 0 || size < threshold) return { holding: false, openSlots: Number.POSITIVE_INFINITY, size };
  if (recoveredNow || restartHelpedLately(all, now))
    return { holding: false, openSlots: Number.POSITIVE_INFINITY, size };
  const sampled = open.filter((entry) => entry.attempts > 0 && within(entry.lastAttemptAt, now)).length;
  return { holding: true, openSlots: Math.max(0, MASS_STALL_SAMPLE_SIZE - sampled), size };
}

/**
 * Whether the rule could hold any agent restart in this run, whatever MGN lists: not when it is off or the ledger
 * shows a restart that helped within the window. Lets a run act on what it has read before the last page.
 */
export function mayHoldRestarts(entries: Iterable<LedgerEntry>, threshold: number, now: Date): boolean {
  return threshold > 0 && !restartHelpedLately([...entries], now);
}

function restartHelpedLately(entries: readonly LedgerEntry[], now: Date): boolean {
  return entries.some(
    (entry) => entry.closedReason === 'RECOVERED' && entry.attempts > 0 && within(entry.closedAt, now),
  );
}
