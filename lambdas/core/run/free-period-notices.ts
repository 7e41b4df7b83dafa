// docs/design.md section 7, "Free replication period": the notices of a run that lists the whole fleet
// (scheduled runs, and previews, which never save), told in its digest. The marks of what was told are saved only
// after that digest was published, so a failed publish means the notices are told again by the next run.
import { errorText } from '../concurrency';
import { reviewFreePeriods, type FreePeriodMarks, type FreePeriodReview } from '../free-period';
import type { SourceServer } from '../model';
import type { DoctorSettings } from '../../shared/settings';
import type { DoctorDependencies, RunRequest } from './dependencies';

/** The run's notices, or undefined for an event run (it lists single servers) or without a marks store. */
export async function reviewRunFreePeriods(
  request: RunRequest,
  servers: readonly SourceServer[],
  settings: Pick<DoctorSettings, 'freePeriodWarningDays'>,
  now: Date,
  deps: Pick<DoctorDependencies, 'freePeriodMarks' | 'log'>,
): Promise<FreePeriodReview | undefined> {
  if (request.trigger === 'event' || request.sourceServerIds || !deps.freePeriodMarks) return undefined;
  try {
    const marks = await deps.freePeriodMarks.loadFreePeriodMarks();
    const review = reviewFreePeriods({
      servers,
      marks,
      warningDays: settings.freePeriodWarningDays,
      now,
      completeListing: request.trigger === 'schedule',
    });
    for (const notice of review.notices) deps.log.info('free period', { runId: request.runId, ...notice });
    return review;
  } catch (error) {
    // Notices are a courtesy: without the marks, they wait for a run that can read them.
    deps.log.warn('Could not read the free-period marks; no free-period notices this run', {
      error: errorText(error),
    });
    return undefined;
  }
}

/**
 * Saves the marks once the notices were published (at once when there were none to tell, e.g. marks of servers
 * no longer listed). A lost save only repeats notices, so it is logged, never a failed run after a publish.
 */
export async function saveRunFreePeriodMarks(
  review: FreePeriodReview | undefined,
  delivery: { readonly published: boolean; readonly writeLedger: boolean },
  deps: Pick<DoctorDependencies, 'freePeriodMarks' | 'log'>,
): Promise<void> {
  if (!review?.changed || !delivery.writeLedger) return;
  if (review.notices.length > 0 && !delivery.published) return;
  await saveFreePeriodMarks(review.marks, deps);
}

/**
 * The marks that wait for the notices' publish: a publisher that holds the report (a hub's account run) carries
 * them to the publish that tells them (docs/design.md section 7, "Delivery").
 */
export function marksAwaitingPublish(
  review: FreePeriodReview | undefined,
  writeLedger: boolean,
): FreePeriodMarks | undefined {
  return review?.changed && writeLedger && review.notices.length > 0 ? review.marks : undefined;
}

/** Saves the marks; a conflict or a failure is logged, never thrown (the notices are only told again). */
export async function saveFreePeriodMarks(
  marks: FreePeriodMarks,
  deps: Pick<DoctorDependencies, 'freePeriodMarks' | 'log'>,
): Promise<void> {
  if (!deps.freePeriodMarks) return;
  try {
    const result = await deps.freePeriodMarks.saveFreePeriodMarks(marks);
    if (result === 'CONFLICT') deps.log.warn('Another run saved the free-period marks first; its marks stand');
  } catch (error) {
    deps.log.error('Could not save the free-period marks; the next scheduled run tells these notices again', {
      error: errorText(error),
    });
  }
}
