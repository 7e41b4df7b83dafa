// The I/O floor of a run: the longest chain of calls that must run one after another, times the latency of one
// call. No run can be faster, on any machine; the benchmark divides the handler's wall time by it, which makes
// the time budget a ratio that holds wherever it is measured. From the fleet's minimum calls (fleet.ts) and the
// doctor's own concurrency: a round is a set of calls in flight together.
import { MAX_WRITES_PER_TRANSACTION, TRANSACTIONS_IN_FLIGHT } from '../../lambdas/adapters/dynamodb-remediation-ledger';
import { POLL_CONCURRENCY } from '../../lambdas/core/collect-results';
import { CALL_CONCURRENCY } from '../../lambdas/core/run/dependencies';
import type { MinimumCall } from './fleet';

/** How many calls the doctor keeps in flight at once. */
export interface DoctorConcurrency {
  /** Ledger writes per call (a stage's writes go out as transactions of this many). */
  readonly ledgerWritesPerCall: number;
  /** Ledger calls (transactions) in flight at once. */
  readonly ledgerCalls: number;
  /** SendCommand requests, one per document; each request's batches of 50 go out together. */
  readonly sendRequests: number;
  /** ListCommandInvocations polls. */
  readonly resultPolls: number;
}

/**
 * The doctor's own (lambdas/core/run/dependencies.ts, lambdas/core/collect-results.ts,
 * lambdas/adapters/dynamodb-remediation-ledger.ts).
 */
export const DOCTOR_CONCURRENCY: DoctorConcurrency = {
  ledgerWritesPerCall: MAX_WRITES_PER_TRANSACTION,
  ledgerCalls: TRANSACTIONS_IN_FLIGHT,
  sendRequests: CALL_CONCURRENCY,
  resultPolls: POLL_CONCURRENCY,
};

/** The calls a first run makes, per step of the chain. */
export interface RunCalls {
  /** DescribeSourceServers pages, read one after another (and, alongside, the one ledger Scan page). */
  readonly mgnPages: number;
  readonly ledgerPages: number;
  /** DescribeInstanceInformation pages, one after another; then the inventory is cached for event runs. */
  readonly inventoryPages: number;
  /**
   * The MGN page (1-based) that shows a server the run will surely treat on a host found by name: the inventory
   * listing starts once it and the ledger scan are read, beside the rest of the MGN listing
   * (lambdas/core/run/early-inventory.ts). Undefined: only the whole MGN listing tells (the mass-stall rule could
   * hold every such server), so the inventory is listed after it.
   */
  readonly inventoryNeedPage?: number;
  /** Servers treated: a claim, the sent command IDs and a final ledger write each. */
  readonly treated: number;
  /** Documents sent (one SendCommand request each, split into batches that go out together). */
  readonly documents: number;
  /** Commands whose results are polled, one ListCommandInvocations page each (hosts answer at once). */
  readonly commands: number;
  /** Digests published. */
  readonly digests: number;
}

export interface FloorStep {
  readonly step: string;
  readonly rounds: number;
  readonly basis: string;
}

export interface IoFloor {
  readonly rounds: number;
  readonly latencyMs: number;
  readonly ms: number;
  readonly steps: readonly FloorStep[];
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/**
 * The chain of a first run (lambdas/core/run/run-doctor.ts): list ∥ scan, the inventory (beside them or after
 * them) and its cache, claim, send, record the command IDs, collect, save the entries, publish.
 */
export function ioFloor(calls: RunCalls, latencyMs: number, concurrency = DOCTOR_CONCURRENCY): IoFloor {
  const ledgerCalls = ceilDiv(calls.treated, concurrency.ledgerWritesPerCall);
  const ledgerRound = (step: string): FloorStep => ({
    step,
    rounds: ceilDiv(ledgerCalls, concurrency.ledgerCalls),
    basis: `⌈${calls.treated} writes / ${concurrency.ledgerWritesPerCall} per call⌉ = ${ledgerCalls} calls, ${concurrency.ledgerCalls} in flight`,
  });
  const steps: FloorStep[] = [
    ...listingSteps(calls),
    {
      step: 'inventory cache',
      rounds: calls.inventoryPages > 0 ? 1 : 0,
      basis: 'one ledger write, for the event runs',
    },
    ledgerRound('claims'),
    {
      step: 'send',
      rounds: ceilDiv(calls.documents, concurrency.sendRequests),
      basis: `⌈${calls.documents} documents / ${concurrency.sendRequests} in flight⌉ (batches together)`,
    },
    ledgerRound('command IDs'),
    {
      step: 'collect',
      rounds: ceilDiv(calls.commands, concurrency.resultPolls),
      basis: `⌈${calls.commands} commands / ${concurrency.resultPolls} polls in flight⌉`,
    },
    ledgerRound('ledger entries'),
    { step: 'publish', rounds: calls.digests, basis: `${calls.digests} digest` },
  ].filter((step) => step.rounds > 0);
  const rounds = steps.reduce((sum, step) => sum + step.rounds, 0);
  return { rounds, latencyMs, ms: rounds * latencyMs, steps };
}

/**
 * The listings a run starts with: MGN's pages and the ledger's scan side by side, and the SSM inventory's pages
 * either beside them, from the round the need for it shows, or after them.
 */
function listingSteps(calls: RunCalls): FloorStep[] {
  const { mgnPages, ledgerPages, inventoryPages, inventoryNeedPage } = calls;
  const fleet = Math.max(mgnPages, ledgerPages);
  const fleetBasis = `${mgnPages} MGN pages, ${ledgerPages} scan page`;
  if (inventoryNeedPage === undefined || inventoryPages === 0)
    return [
      { step: 'MGN listing ∥ ledger scan', rounds: fleet, basis: `max(${fleetBasis})` },
      { step: 'SSM inventory', rounds: inventoryPages, basis: `${inventoryPages} pages, one after another` },
    ];
  const start = Math.max(Math.min(inventoryNeedPage, mgnPages), ledgerPages);
  return [
    {
      step: 'MGN listing ∥ ledger scan ∥ SSM inventory',
      rounds: Math.max(fleet, start + inventoryPages),
      basis: `max(${fleetBasis}; the inventory's ${inventoryPages} pages one after another, after MGN page ${inventoryNeedPage} and the scan: ${start} + ${inventoryPages})`,
    },
  ];
}

/**
 * A first run's calls, from the fleet's minimum calls (fleet.ts), the servers it treats and the MGN page that first
 * shows one to find by name, when the run can tell from it (RunCalls.inventoryNeedPage).
 */
export function runCallsOf(
  minimum: readonly MinimumCall[],
  documents: number,
  treated: number,
  inventoryNeedPage?: number,
): RunCalls {
  const calls = (operation: string): number => minimum.find((call) => call.operation === operation)?.minimum ?? 0;
  const commands = calls('ssm:SendCommand');
  const inventoryPages = calls('ssm:DescribeInstanceInformation');
  return {
    mgnPages: calls('mgn:DescribeSourceServers'),
    ledgerPages: calls('dynamodb:Scan'),
    inventoryPages,
    ...(inventoryPages > 0 && inventoryNeedPage !== undefined && { inventoryNeedPage }),
    treated: commands > 0 ? treated : 0,
    documents: commands > 0 ? documents : 0,
    commands,
    digests: calls('sns:Publish'),
  };
}
