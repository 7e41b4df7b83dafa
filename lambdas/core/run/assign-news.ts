// Stage 4a: what is news for people. A change in what they were told (new condition, outcome, recovery,
// escalation) is news; otherwise a reminder every `reminderHours` while something stays unresolved.
import { hasNews, lastTreatment, type LedgerEntry } from '../ledger';
import type { News } from '../report';
import type { DoctorSettings } from '../../shared/settings';
import type { ServerPlan } from './server-plan';

function newsOf(plan: ServerPlan, before: LedgerEntry | undefined): News | undefined {
  const entry = plan.entry as LedgerEntry;
  if (!hasNews(entry)) return undefined;
  if (entry.status === 'CLOSED') return entry.closedReason === 'RECOVERED' ? 'RECOVERED' : 'CLEARED';
  // Escalated and not yet told so (also when a failed publish lost the first escalation message).
  if (entry.status === 'ESCALATED' && !before?.notifiedFingerprint?.startsWith('ESCALATED|')) return 'ESCALATED';
  if (!before || before.status === 'CLOSED' || before.notifiedFingerprint === undefined) return 'NEW';
  if (plan.step.kind === 'TREAT' || lastTreatment(entry) !== lastTreatment(before)) return 'OUTCOME';
  return 'CHANGED';
}

const reminderDue = (plan: ServerPlan, settings: DoctorSettings, now: Date): boolean =>
  plan.entry?.status !== 'CLOSED' &&
  plan.entry?.notifiedAt !== undefined &&
  now.getTime() - new Date(plan.entry.notifiedAt).getTime() >= settings.reminderHours * 3_600_000;

/** The followed plans, each with its news (if any). */
export function assignNews(
  followed: readonly ServerPlan[],
  stored: ReadonlyMap<string, LedgerEntry>,
  settings: DoctorSettings,
  now: Date,
): ServerPlan[] {
  const withNews = followed.map((plan) => ({ ...plan, news: newsOf(plan, stored.get(plan.server.sourceServerId)) }));
  if (withNews.some((plan) => plan.news !== undefined)) return withNews;
  if (!withNews.some((plan) => reminderDue(plan, settings, now))) return withNews;
  return withNews.map((plan) => (plan.entry?.status !== 'CLOSED' ? { ...plan, news: 'REMINDER' } : plan));
}

const NEWS_ORDER: readonly News[] = ['ESCALATED', 'NEW', 'CHANGED', 'OUTCOME', 'RECOVERED', 'CLEARED', 'REMINDER'];

/** What needs a person first. */
export const orderByNews = <T extends { readonly news?: News }>(plans: readonly T[]): T[] =>
  [...plans].sort((a, b) => NEWS_ORDER.indexOf(a.news as News) - NEWS_ORDER.indexOf(b.news as News));
