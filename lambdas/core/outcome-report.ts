// One report per run, each channel renders it (docs/design.md section 7): the facts of the run's news, and the
// e-mail and SMS rendering composed once (the run names its subject too). The chat, OpsItem and event renderers
// (chat-notification.ts, ops-items.ts, finding-events.ts) read the same facts.
import type { DigestInput } from './digest';
import type { FreePeriodMarks } from './free-period';
import type { ToldMark } from './ledger';
import type { Digest } from './model';

export interface OutcomeReport {
  /** What the run found and did, as the digest and every other channel render it. */
  readonly facts: DigestInput;
  /** The e-mail and SMS rendering (lambdas/core/digest.ts). */
  readonly digest: Digest;
}

/** The channels, by the name of the AWS service that carries them. */
export type ChannelName = 'SNS' | 'OpsCenter' | 'EventBridge' | (string & {});

/** What one channel did with a report: how many items it delivered, and why the others were not. */
export interface ChannelDelivery {
  readonly channel: ChannelName;
  readonly delivered: number;
  /** One line per item that did not go out (after the channel's own retries). */
  readonly failures: readonly string[];
  /**
   * The report waits for a later publish (a hub's program digest, docs/design.md section 7): its news is not told
   * yet, and that publish saves the free-period marks or puts the told marks back.
   */
  readonly held?: boolean;
}

/**
 * What the run saved as told before handing its report to the publisher, for a publisher that holds the report
 * for a later publish: if that publish fails, the marks are put back as deliverNews would put them back; if it
 * succeeds, the free-period marks are saved (docs/design.md section 2, stage 4b).
 */
export interface ToldNews {
  readonly marks: readonly ToldMark[];
  /** Free-period marks to save only once the notices were published. */
  readonly freePeriodMarks?: FreePeriodMarks;
}

export const deliveredAll = (channel: ChannelName, delivered: number): ChannelDelivery => ({
  channel,
  delivered,
  failures: [],
});
