// Stage 4b: write the ledger, then publish. The entries are saved already marked as notified, before the
// digest goes out, so a run that published is never followed by the same news again, whatever happens to
// its later writes. If the publish fails, the marks are written back out and the run fails (Lambda's retry,
// the DLQ and the alarm apply): the next run sends the news again. Only a process that dies between the
// save and SNS's answer can lose a digest, and that invocation fails visibly. See docs/design.md section 7.
import { errorText } from '../concurrency';
import type { FreePeriodMarks } from '../free-period';
import { markNotified, toldMarkOf, unmarkEntry, type LedgerEntry, type ToldMark } from '../ledger';
import type { OutcomeReport } from '../outcome-report';
import type { DoctorDependencies } from './dependencies';
import { saveChangedEntries } from './save-entries';

export interface Delivery {
  /** Every entry to keep, as this run leaves it (before any notification mark). */
  readonly entries: readonly LedgerEntry[];
  /** The IDs of the entries whose news (or unchanged state) the digest tells people. */
  readonly told: ReadonlySet<string>;
  /** Undefined when there is nothing to publish (no news, or a preview). */
  readonly report?: OutcomeReport;
  readonly writeLedger: boolean;
  readonly now: Date;
  /** Free-period marks that wait for the notices' publish, for a publisher that holds the report. */
  readonly freePeriodMarks?: FreePeriodMarks;
}

export async function deliverNews(
  delivery: Delivery,
  stored: ReadonlyMap<string, LedgerEntry>,
  deps: DoctorDependencies,
): Promise<{ readonly published: boolean; readonly channelFailures: number }> {
  const { entries, told, report, writeLedger, now } = delivery;
  const marked = report
    ? entries.map((entry) => (told.has(entry.sourceServerId) ? markNotified(entry, now) : entry))
    : entries;
  const saved = writeLedger ? await saveChangedEntries(marked, stored, deps) : new Map<string, LedgerEntry>();
  if (!report) return { published: false, channelFailures: 0 };
  const marks = toldMarks(entries, saved);
  let held: boolean | undefined;
  try {
    ({ held } = await deps.publisher.publish(report, { marks, freePeriodMarks: delivery.freePeriodMarks }));
  } catch (error) {
    deps.log.error('Could not publish the digest; the next run will send its news again', { error: errorText(error) });
    await putBackToldMarks(marks, saved, deps);
    throw error;
  }
  // A held report is told by a later publish (a hub's program digest), which saves the free-period marks.
  return { published: !held, channelFailures: await publishToChannels(report, deps) };
}

/** What the notification marks changed on each entry this run saved. */
function toldMarks(entries: readonly LedgerEntry[], saved: ReadonlyMap<string, LedgerEntry>): ToldMark[] {
  return entries.flatMap((entry) => {
    const current = saved.get(entry.sourceServerId);
    const mark = current && toldMarkOf(entry, current);
    return mark ? [mark] : [];
  });
}

/**
 * Puts back the entries as they were before the notification mark, at the versions this run wrote (`stored`: the
 * ledger as it is now). An entry at another version was written by another run since: its record stands. Returns
 * the marks at the versions now stored, for a publish that is tried again (a hub's program digest).
 */
export async function putBackToldMarks(
  marks: readonly ToldMark[],
  stored: ReadonlyMap<string, LedgerEntry>,
  deps: Pick<DoctorDependencies, 'ledger' | 'log'>,
): Promise<ToldMark[]> {
  const unmarked = marks.flatMap((mark) => {
    const current = stored.get(mark.sourceServerId);
    if (current?.version === mark.version) return [unmarkEntry(current, mark)];
    deps.log.warn('Another run updated this server first; keeping its record', { sourceServerId: mark.sourceServerId });
    return [];
  });
  const saved = await saveChangedEntries(unmarked, stored, deps);
  return marks.flatMap((mark) => {
    const current = saved.get(mark.sourceServerId);
    return current ? [{ ...mark, version: current.version }] : [];
  });
}

/**
 * Channels beyond the topic are best effort: each failed item is logged and counted (the run's ChannelFailures
 * metric), never a lost digest or a failed run. A channel that throws counts as one failure. Returns the count.
 */
async function publishToChannels(report: OutcomeReport, deps: DoctorDependencies): Promise<number> {
  const counts = await Promise.all(
    (deps.channels ?? []).map(async (channel) => {
      try {
        const delivery = await channel.publish(report);
        for (const failure of delivery.failures)
          deps.log.warn('A notification channel could not deliver an item; the digest was delivered on the topic', {
            channel: delivery.channel,
            error: failure,
          });
        return delivery.failures.length;
      } catch (error) {
        deps.log.warn('A notification channel failed; the digest was delivered on the topic', {
          error: errorText(error),
        });
        return 1;
      }
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}
