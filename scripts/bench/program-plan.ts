// The benchmark's program scenario on paper (docs/design.md sections 12 and 13): the calls each step of a hub's
// program run needs at the least, and the program's wall time as the state machine's Map would run the measured
// account runs, at most MaxConcurrency at once. Pure functions, unit-tested.
import { minimumCalls, type Fleet, type MinimumCall } from './fleet';

/** ListManagedAccounts' largest page (maxResults 1–1000 in MGN's API model). */
export const ACCOUNTS_PAGE = 1000;

/** The member accounts of a bench organization: 12 digits, none the hub's. */
export const memberAccountIds = (count: number): string[] =>
  Array.from({ length: count }, (_, index) => String(200_000_000_001 + index));

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Step 1 with `organization`: ListManagedAccounts, every page (the hub's own account is listed too). */
export function listAccountsMinimum(listed: number): MinimumCall[] {
  return [
    {
      operation: 'mgn:ListManagedAccounts',
      minimum: Math.max(1, ceilDiv(listed, ACCOUNTS_PAGE)),
      basis: `⌈${listed} accounts/${ACCOUNTS_PAGE}⌉ pages`,
    },
  ];
}

/**
 * Step 2 for one account: what a single-account run over its fleet needs (fleet.ts, minimumCalls), except that
 * its report is held (one PutItem) instead of published, and a member account needs its spoke role's credentials
 * (one AssumeRole: each bench invocation is a cold container; a warm one reuses unexpired credentials).
 */
export function accountRunMinimum(fleet: Fleet, member: boolean): MinimumCall[] {
  const single = minimumCalls(fleet);
  const news = fleet.spec.stalled > 0;
  const calls = single
    .filter((call) => call.operation !== 'sns:Publish')
    .map((call) =>
      call.operation === 'dynamodb:PutItem'
        ? { ...call, minimum: call.minimum + 1, basis: `${call.basis}, and the held report` }
        : call,
    );
  if (news && !calls.some((call) => call.operation === 'dynamodb:PutItem'))
    calls.push({ operation: 'dynamodb:PutItem', minimum: 1, basis: 'the held report' });
  return member
    ? [...calls, { operation: 'sts:AssumeRole', minimum: 1, basis: 'the spoke role, once per account' }]
    : calls;
}

/**
 * Step 3: the held reports read back (one consistent Scan page: together they are far below 1 MB; a Scan reads the
 * whole ledger table, so every further page is other items'), one Publish, and each held report released by a
 * write of its own item (PutItem each, in parallel; a BatchWriteItem would group 25 a call).
 */
export function publishDigestMinimum(held: number): MinimumCall[] {
  if (held === 0) return [];
  return [
    {
      operation: 'dynamodb:Scan',
      minimum: 1,
      basis: `the ${held} held reports, one 1 MB page (further pages: the rest of the ledger table)`,
    },
    { operation: 'sns:Publish', minimum: 1, basis: 'one program digest' },
    {
      operation: 'dynamodb:PutItem',
      minimum: held,
      basis: `one release per held report (BatchWriteItem: ⌈${held}/25⌉ = ${ceilDiv(held, 25)} calls)`,
    },
  ];
}

export interface MapSchedule {
  /** When each item starts and ends, ms after the Map started, in item order. */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** The Map's own duration: its last item's end. */
  readonly makespanMs: number;
}

/**
 * A Map state with MaxConcurrency: items start in order, each as soon as one of the `concurrency` slots is free
 * (Step Functions does not wait for a whole wave). Durations are the items' measured times.
 */
export function scheduleMap(durationsMs: readonly number[], concurrency: number): MapSchedule {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`MaxConcurrency is a whole number ≥ 1, not ${concurrency}`);
  const slots = new Array<number>(Math.min(concurrency, Math.max(1, durationsMs.length))).fill(0);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const duration of durationsMs) {
    const slot = slots.indexOf(Math.min(...slots));
    const start = slots[slot] ?? 0;
    starts.push(start);
    ends.push(start + duration);
    slots[slot] = start + duration;
  }
  return { starts, ends, makespanMs: ends.length === 0 ? 0 : Math.max(...ends) };
}

/** The program's wall time: list the accounts, the Map, publish the digest, one after another. */
export function programWallMs(listMs: number, accountMs: readonly number[], publishMs: number, concurrency: number) {
  return listMs + scheduleMap(accountMs, concurrency).makespanMs + publishMs;
}
