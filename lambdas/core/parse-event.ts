// The doctor is invoked by its schedule and by MGN's stall event (docs/design.md section 1). Anything else is ignored
// with a reason, never an error: a retried bad event would only fail again. A hub's state machine invokes it
// with its steps' payloads (section 13): a malformed one is an error, so that the execution shows it.
import { ACCOUNT_ID, type AccountRunResult, type ProgramEvent, type ProgramStep } from '../shared/program';

const SOURCE_SERVER_ARN = /^arn:aws[a-z-]*:mgn:[a-z0-9-]+:(\d{12}):source-server\/(s-[0-9a-zA-Z]{17})$/;

export type Invocation =
  | { readonly kind: 'scan' }
  | { readonly kind: 'server'; readonly sourceServerId: string }
  | { readonly kind: 'program'; readonly event: ProgramEvent }
  | { readonly kind: 'ignore'; readonly reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseInvocation(event: unknown): Invocation {
  if (!isRecord(event)) return { kind: 'ignore', reason: 'event is not an object' };
  if ('program' in event) return { kind: 'program', event: parseProgramEvent(event) };
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
    typeof resource === 'string' ? SOURCE_SERVER_ARN.exec(resource)?.[2] : undefined,
  );
  const sourceServerId = ids.find((id): id is string => id !== undefined);
  if (!sourceServerId) return { kind: 'ignore', reason: 'no source-server ARN in resources' };
  return { kind: 'server', sourceServerId };
}

/**
 * The account a stall event is about: the source server ARN's, else the event's `account` (a spoke forwards its
 * account's events to the hub's bus unchanged). Undefined when neither is an account ID.
 */
export function accountOfEvent(event: unknown): string | undefined {
  if (!isRecord(event)) return undefined;
  const resources = Array.isArray(event.resources) ? event.resources : [];
  for (const resource of resources) {
    const account = typeof resource === 'string' ? SOURCE_SERVER_ARN.exec(resource)?.[1] : undefined;
    if (account) return account;
  }
  return typeof event.account === 'string' && ACCOUNT_ID.test(event.account) ? event.account : undefined;
}

/** A payload of the hub's state machine that is not one of its steps' (lambdas/shared/program.ts). */
export class ProgramEventError extends Error {
  constructor(message: string) {
    super(`Malformed program payload: ${message}`);
    this.name = 'ProgramEventError';
  }
}

const PROGRAM_STEPS: readonly ProgramStep[] = ['list-accounts', 'run-account', 'publish-digest'];
/** An execution name as Step Functions allows it (1-80 characters, none of its reserved ones): it goes into keys. */
const RUN_ID = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

const show = (value: unknown): string => JSON.stringify(value)?.slice(0, 80) ?? String(value);

function parseProgramEvent(event: Record<string, unknown>): ProgramEvent {
  const { program, runId } = event;
  if (!PROGRAM_STEPS.includes(program as ProgramStep))
    throw new ProgramEventError(`program must be one of ${PROGRAM_STEPS.join(', ')}, got ${show(program)}`);
  if (typeof runId !== 'string' || !RUN_ID.test(runId))
    throw new ProgramEventError(
      `runId must be the execution's name (1-80 characters, no / or spaces), got ${show(runId)}`,
    );
  switch (program as ProgramStep) {
    case 'list-accounts':
      return { program: 'list-accounts', runId };
    case 'run-account':
      return { program: 'run-account', runId, account: parseAccount(event.account, 'account') };
    case 'publish-digest': {
      if (!Array.isArray(event.results))
        throw new ProgramEventError(`results must be the Map's list of account results, got ${show(event.results)}`);
      return { program: 'publish-digest', runId, results: event.results.map(parseResult) };
    }
  }
}

function parseAccount(value: unknown, key: string): string {
  if (typeof value !== 'string' || !ACCOUNT_ID.test(value))
    throw new ProgramEventError(`${key} must be a 12-digit account ID, got ${show(value)}`);
  return value;
}

const optionalText = (value: unknown, key: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ProgramEventError(`${key} must be text, got ${show(value)}`);
  return value;
};

/** One account's result: what runAccount returned, or what the Map's Catch made of a failed step. */
function parseResult(value: unknown, index: number): AccountRunResult {
  const key = `results[${index}]`;
  if (!isRecord(value)) throw new ProgramEventError(`${key} must be an object, got ${show(value)}`);
  const account = parseAccount(value.account, `${key}.account`);
  if (typeof value.held !== 'boolean')
    throw new ProgramEventError(`${key}.held must be true or false, got ${show(value.held)}`);
  const failure = optionalText(value.failure, `${key}.failure`);
  if (value.caught !== undefined && !isRecord(value.caught))
    throw new ProgramEventError(`${key}.caught must be Step Functions' error object, got ${show(value.caught)}`);
  const caught = value.caught && {
    Error: optionalText(value.caught.Error, `${key}.caught.Error`),
    Cause: optionalText(value.caught.Cause, `${key}.caught.Cause`),
  };
  return { account, held: value.held, ...(failure !== undefined && { failure }), ...(caught && { caught }) };
}
