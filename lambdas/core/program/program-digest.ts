// The one digest of a hub's program run (docs/design.md section 7, "Held reports"): a subject and SMS across the
// accounts, the accounts that were not treated (one line per advice), then a section per account as its own digest
// would group it. The e-mail stays within the single digest's bound, shared fairly: an account that needs little
// takes little, and the others split the rest, each cut as its own digest is cut.
import {
  composeAccountSection,
  composeHeadline,
  DRY_RUN_LINE,
  describeFleet,
  describeLeftOut,
  type DigestBounds,
  type DigestInput,
  escapedBytes,
  SMS_MAX,
  SUBJECT_MAX,
  TEXT_MAX_BYTES,
  whereTheRestIs,
} from '../digest';
import type { Condition } from '../model';
import type { OutcomeReport } from '../outcome-report';
import { noConditions } from '../report';
import { clip } from '../text';
import type { HeldReport } from './held-report';

export interface ProgramDigestInput {
  readonly region: string;
  readonly hubAccountId: string;
  readonly runId: string;
  readonly dryRun: boolean;
  readonly now: Date;
  readonly ledgerTableName?: string;
  /** How many accounts the program run covered. */
  readonly accounts: number;
  readonly held: readonly HeldReport[];
  /** One line per advice (mergeFailureLines), and how many accounts they name. */
  readonly failures: readonly string[];
  readonly failedAccounts: number;
}

const accountsOf = (count: number): string => `${count} account${count === 1 ? '' : 's'}`;

/** Room left for the summing-up lines: one per account cut, and where the rest is. */
const CLOSING_BYTES = 2_000;
const FAILURES_MAX_BYTES = 16_000;
/** Full blocks of servers that need a person: the single digest's bound, shared like the text. */
const DETAIL_MAX_BYTES = 12_000;

export function composeProgramReport(input: ProgramDigestInput): OutcomeReport {
  const facts = mergeFacts(input);
  const parts = composeProgramHeadline(facts, input.failedAccounts);
  const scope = accountsOf(input.accounts);
  const dry = input.dryRun ? '[dry run] ' : '';
  const prefix = `${dry}MGN ${input.region}: `;
  const suffix = ` (${scope})`;
  const subject = clip(
    `${prefix}${clip(parts.join(', '), SUBJECT_MAX - prefix.length - suffix.length)}${suffix}`,
    SUBJECT_MAX,
  );
  const sms = clip(`${dry}MGN ${input.region} ${scope}: ${parts.join(', ')}. Details by e-mail.`, SMS_MAX);
  return { facts, digest: { subject, text: composeProgramText(input, facts), sms } };
}

/** Every account's news as one run's facts: the headline, the chat rendering and the other channels read them. */
function mergeFacts(input: ProgramDigestInput): DigestInput {
  const counts = noConditions();
  for (const held of input.held)
    for (const [condition, count] of Object.entries(held.facts.counts)) counts[condition as Condition] += count;
  const notices = input.held.reduce((sum, held) => sum + (held.facts.freePeriod?.servers ?? 0), 0);
  return {
    region: input.region,
    accountId: input.hubAccountId,
    runId: input.runId,
    trigger: 'schedule',
    dryRun: input.dryRun,
    now: input.now,
    counts,
    news: input.held.flatMap((held) => held.facts.news),
    unresolved: input.held.flatMap((held) => held.facts.unresolved),
    ledgerTableName: input.ledgerTableName,
    ...(notices > 0 && { freePeriod: { lines: [], servers: notices } }),
  };
}

function composeProgramHeadline(facts: DigestInput, failedAccounts: number): string[] {
  const parts = composeHeadline(facts);
  if (failedAccounts === 0) return parts;
  const failed = `${accountsOf(failedAccounts)} not treated`;
  // First: an account not treated is what a long subject must not cut off.
  return [failed, ...(facts.news.length > 0 || facts.freePeriod ? parts : [])];
}

function composeProgramText(input: ProgramDigestInput, facts: DigestInput): string {
  const head = [
    `MGN replication doctor: ${input.region}, program of ${accountsOf(input.accounts)} (hub ${input.hubAccountId}), ${input.now.toISOString()} (program run ${input.runId})`,
    input.dryRun ? DRY_RUN_LINE : '',
    `Accounts: ${input.held.length} with news, ${input.failedAccounts} not treated.`,
    input.held.length > 0 ? `${describeFleet(facts.counts)} (the accounts with news)` : '',
    ...describeFailures(input),
  ]
    .filter(Boolean)
    .join('\n');
  const room = TEXT_MAX_BYTES - 600 - CLOSING_BYTES - escapedBytes(head);
  const shares = shareFairly(
    input.held.map((held) => escapedBytes(composeAccountSection(held.facts, boundsFor(Infinity)).text)),
    room,
  );
  let cut = false;
  const sections = input.held.map((held, index) => {
    const fitted = composeAccountSection(held.facts, boundsFor(shares[index] ?? 0));
    const left = fitted.left + held.omitted;
    cut ||= fitted.cut || held.omitted > 0;
    return fitted.cut || held.omitted > 0 ? `${fitted.text}\n${describeLeftOut(left)} in this account` : fitted.text;
  });
  const rest = cut ? `\n\nNot every server fits one message (the SNS size limit). ${whereTheRestIs(input)}` : '';
  return `${head}${sections.join('')}${rest}`;
}

/** An account's share: its text, and a part of it for full blocks (all of it when it is the only account). */
function boundsFor(share: number): DigestBounds {
  const detail = Math.min(DETAIL_MAX_BYTES, share / 3);
  return { textBytes: share, detailBytes: detail, fewDetailBytes: Math.min(share / 2, Number.POSITIVE_INFINITY) };
}

/** Water-filling: the smallest needs are met first, and each share is at most an equal part of what is left. */
export function shareFairly(needs: readonly number[], room: number): number[] {
  const shares = new Array<number>(needs.length).fill(0);
  const order = needs.map((_, index) => index).sort((a, b) => (needs[a] ?? 0) - (needs[b] ?? 0));
  let left = Math.max(0, room);
  order.forEach((index, position) => {
    const share = Math.min(needs[index] ?? 0, Math.floor(left / (order.length - position)));
    shares[index] = share;
    left -= share;
  });
  return shares;
}

/** The accounts not treated, one line per advice, within a bound. */
function describeFailures(input: ProgramDigestInput): string[] {
  if (input.failures.length === 0) return [];
  const lines = [`\n== Accounts not treated (${input.failedAccounts}) ==`];
  let used = 0;
  for (const [index, failure] of input.failures.entries()) {
    const line = clip(failure, 1_000);
    used += escapedBytes(line);
    if (used > FAILURES_MAX_BYTES) {
      lines.push(`…and ${input.failures.length - index} more lines: the doctor's log has every account`);
      break;
    }
    lines.push(line);
  }
  return lines;
}
