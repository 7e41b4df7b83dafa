// EventBridge for the benchmark and the integration tests: PutEvents (awsJson1.1, `X-Amz-Target:
// AWSEvents.PutEvents`) on the default bus, refusing what EventBridge refuses: no entries or more than 10, more
// than 256 KB, an entry without Source, DetailType or a Detail that is a JSON object. Keeps every accepted entry;
// `failNext` makes the next entries fail as EventBridge reports a partial failure (HTTP 200, FailedEntryCount).
import { randomUUID } from 'node:crypto';
import { LocalEndpoint, type EndpointReply, type Latency, type RequestInfo } from './local-endpoint';

export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Resources?: string[];
  readonly Time?: number;
  readonly EventBusName?: string;
}

const MAX_ENTRIES = 10;
const MAX_BYTES = 262_144;
const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.1' };

const error = (code: string, message: string): EndpointReply => ({
  status: 400,
  headers: JSON_TYPE,
  body: JSON.stringify({ __type: code, message }),
});

const bytes = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

function detailIsObject(detail: string | undefined): boolean {
  try {
    const parsed: unknown = JSON.parse(detail ?? '');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

export class FakeEventsEndpoint extends LocalEndpoint {
  /** Every entry accepted, in order. */
  readonly events: PutEventsEntry[] = [];
  /** Entries still to fail with InternalFailure, one per entry, before any is accepted again. */
  failNext = 0;

  private constructor(latencyMs?: Latency) {
    super(latencyMs);
  }

  static start(options: { latencyMs?: Latency } = {}): Promise<FakeEventsEndpoint> {
    return new FakeEventsEndpoint(options.latencyMs).start();
  }

  protected operationOf(request: RequestInfo): string {
    return String(request.headers['x-amz-target'] ?? '').replace(/^AWSEvents\./, '') || 'Unknown';
  }

  protected answer(operation: string, request: RequestInfo): EndpointReply {
    if (operation !== 'PutEvents') return error('UnknownOperationException', `Unknown operation ${operation}`);
    const entries = ((JSON.parse(request.body || '{}') as { Entries?: PutEventsEntry[] }).Entries ??
      []) as PutEventsEntry[];
    if (entries.length < 1 || entries.length > MAX_ENTRIES)
      return error(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      );
    const size = entries.reduce(
      (sum, entry) =>
        sum +
        (entry.Time ? 14 : 0) +
        bytes(entry.Source) +
        bytes(entry.DetailType) +
        bytes(entry.Detail) +
        (entry.Resources ?? []).reduce((total, resource) => total + bytes(resource), 0),
      0,
    );
    if (size > MAX_BYTES)
      return error('ValidationException', 'Total size of the entries in the request is over the limit.');
    const results = entries.map((entry) => this.accept(entry));
    const failed = results.filter((result) => 'ErrorCode' in result).length;
    return { status: 200, headers: JSON_TYPE, body: JSON.stringify({ FailedEntryCount: failed, Entries: results }) };
  }

  private accept(entry: PutEventsEntry): Record<string, string> {
    if (!entry.Source || !entry.DetailType || !detailIsObject(entry.Detail))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    if ((entry.EventBusName ?? 'default') !== 'default')
      return { ErrorCode: 'NotAuthorized', ErrorMessage: 'Only the default bus is expected.' };
    if (this.failNext > 0) {
      this.failNext -= 1;
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error.' };
    }
    this.events.push(entry);
    return { EventId: randomUUID() };
  }
}
