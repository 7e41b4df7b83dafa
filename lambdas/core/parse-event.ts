// The doctor is invoked by its schedule and by MGN's stall event (docs/design.md section 1). Anything else is ignored
// with a reason, never an error: a retried bad event would only fail again.
const SOURCE_SERVER_ARN = /^arn:aws[a-z-]*:mgn:[a-z0-9-]+:\d{12}:source-server\/(s-[0-9a-zA-Z]{17})$/;

export type Invocation =
  | { readonly kind: 'scan' }
  | { readonly kind: 'server'; readonly sourceServerId: string }
  | { readonly kind: 'ignore'; readonly reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseInvocation(event: unknown): Invocation {
  if (!isRecord(event)) return { kind: 'ignore', reason: 'event is not an object' };
  const detailType = event['detail-type'];
  if (event.source === 'aws.events' && detailType === 'Scheduled Event') return { kind: 'scan' };
  if (event.source !== 'aws.mgn')
    return { kind: 'ignore', reason: `unexpected source ${JSON.stringify(event.source)}` };
  if (detailType !== 'MGN Source Server Data Replication Stalled Change') {
    return { kind: 'ignore', reason: `unexpected detail-type ${JSON.stringify(detailType)}` };
  }
  // STALLED: treat at once. NOT_STALLED: report a recovery within a minute instead of at the next schedule.
  const state = isRecord(event.detail) ? event.detail.state : undefined;
  if (state !== 'STALLED' && state !== 'NOT_STALLED') {
    return { kind: 'ignore', reason: `stall change to ${JSON.stringify(state)}, not STALLED or NOT_STALLED` };
  }
  const resources = Array.isArray(event.resources) ? event.resources : [];
  const ids = resources.map((resource) =>
    typeof resource === 'string' ? SOURCE_SERVER_ARN.exec(resource)?.[1] : undefined,
  );
  const sourceServerId = ids.find((id): id is string => id !== undefined);
  if (!sourceServerId) return { kind: 'ignore', reason: 'no source-server ARN in resources' };
  return { kind: 'server', sourceServerId };
}
