// EventBridge: one event per piece of news on the account's default bus (docs/design.md section 7, "Events").
// PutEvents takes at most 10 entries and 256 KB per call, and answers a partial failure with HTTP 200 and
// FailedEntryCount: the failed entries are sent again, and what still fails is reported, never thrown, so the
// digest and the ledger stand whatever happens here.
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { errorText } from '../core/concurrency';
import { renderFindingEvents, type FindingEvent } from '../core/finding-events';
import type { ChannelDelivery, OutcomeReport } from '../core/outcome-report';
import type { Clock, OutcomePublisher } from '../core/ports';
import { systemClock } from '../shared/system-clock';
import { loadEventsSdk } from './aws-clients';
import { chunkByCountAndBytes } from './paging';

export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 262_144;
/** Sends of one entry in all (the first and two retries of its failures). */
const MAX_ATTEMPTS = 3;

/** An entry's size as EventBridge counts it: 14 bytes for Time, and the UTF-8 bytes of each text field. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** Consecutive batches of at most 10 entries and 256 KB. */
export function batchEntries(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  return chunkByCountAndBytes(entries, PUT_EVENTS_MAX_ENTRIES, PUT_EVENTS_MAX_BYTES, entrySize);
}

const toEntry = (event: FindingEvent): PutEventsRequestEntry => ({
  Source: event.source,
  DetailType: event.detailType,
  Time: event.time,
  Resources: [...event.resources],
  Detail: JSON.stringify(event.detail),
});

export class EventBridgeFindingPublisher implements OutcomePublisher {
  /** `events` builds the client on first use (see createAwsClients). */
  constructor(
    private readonly events: () => EventBridgeClient,
    private readonly sleep: Clock['sleep'] = systemClock.sleep,
  ) {}

  async publish(report: OutcomeReport): Promise<ChannelDelivery> {
    const entries = renderFindingEvents(report).map(toEntry);
    const failures: string[] = [];
    for (const batch of batchEntries(entries)) failures.push(...(await this.putWithRetries(batch)));
    return { channel: 'EventBridge', delivered: entries.length - failures.length, failures };
  }

  /** Sends a batch, then its failed entries again with a short backoff; returns one line per entry still failed. */
  private async putWithRetries(batch: PutEventsRequestEntry[]): Promise<string[]> {
    let pending = batch;
    let errors: string[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(100 * 2 ** (attempt - 2));
      const answer = await this.put(pending);
      pending = answer.failed;
      errors = answer.errors;
    }
    return errors;
  }

  private async put(entries: PutEventsRequestEntry[]): Promise<{ failed: PutEventsRequestEntry[]; errors: string[] }> {
    try {
      const { PutEventsCommand } = loadEventsSdk();
      const output = await this.events().send(new PutEventsCommand({ Entries: entries }));
      if (!output.FailedEntryCount) return { failed: [], errors: [] };
      // Results come in request order; a failed entry has an ErrorCode instead of an EventId.
      const results = output.Entries ?? [];
      const failed = entries.filter((_, index) => results[index]?.ErrorCode !== undefined || !results[index]?.EventId);
      const errors = entries.flatMap((entry, index) => {
        const result = results[index];
        if (result?.EventId && result.ErrorCode === undefined) return [];
        return [`PutEvents ${serverOf(entry)}: ${result?.ErrorCode ?? 'no result'}: ${result?.ErrorMessage ?? ''}`];
      });
      return { failed, errors };
    } catch (error) {
      return { failed: entries, errors: entries.map((entry) => `PutEvents ${serverOf(entry)}: ${errorText(error)}`) };
    }
  }
}

const serverOf = (entry: PutEventsRequestEntry): string => entry.Resources?.[0]?.split('/').at(-1) ?? 'unknown server';
