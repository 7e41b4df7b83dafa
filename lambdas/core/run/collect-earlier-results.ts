// Stage 1: results that earlier runs left pending are collected first, because they decide what happens next
// (a restart that failed, a check that found a full disk). One look, no waiting: these were sent earlier.
import { collectResults, invocationKey } from '../collect-results';
import {
  isRunning,
  lastTreatment,
  pendingCommands,
  replaceLastTreatment,
  type CommandRecord,
  type LedgerEntry,
  type Treatment,
} from '../ledger';
import type { InvocationResult } from '../model';
import { DOCUMENTS } from '../../shared/documents';
import type { DoctorDependencies } from './dependencies';

/** SSM forgets commands eventually; one that never reported within this long will not, so stop waiting for it. */
const STALE_PENDING_MS = 3 * 3_600_000;

export async function collectEarlierResults(
  entries: ReadonlyMap<string, LedgerEntry>,
  deps: DoctorDependencies,
): Promise<ReadonlyMap<string, LedgerEntry>> {
  // A closed entry's results no longer decide anything; don't poll them until the TTL removes it.
  const waiting = [...entries.values()].filter(
    (entry) => entry.status !== 'CLOSED' && pendingCommands(entry).length > 0,
  );
  if (waiting.length === 0) return entries;
  const expected = new Map<string, Set<string>>();
  for (const command of waiting.flatMap(pendingCommands)) {
    expected.set(command.commandId, (expected.get(command.commandId) ?? new Set<string>()).add(command.instanceId));
  }
  const commands = [...expected].map(([commandId, instanceIds]) => ({ commandId, instanceIds: [...instanceIds] }));
  const results = await collectResults(commands, new Date(0), deps.commands, deps.clock, deps.log);
  const now = deps.clock.now();
  const updated = new Map(entries);
  for (const entry of waiting) {
    const last = lastTreatment(entry) as Treatment;
    updated.set(entry.sourceServerId, replaceLastTreatment(entry, expireStale(withResults(last, results), now)));
  }
  return updated;
}

function expireStale(treatment: Treatment, now: Date): Treatment {
  return {
    ...treatment,
    commands: treatment.commands.map((command) =>
      isRunning(command.status) && now.getTime() - new Date(command.requestedAt).getTime() > STALE_PENDING_MS
        ? { ...command, status: 'TimedOut', statusDetails: 'No result from SSM within 3 hours' }
        : command,
    ),
  };
}

/** The treatment with each command's result, where SSM has one. */
export function withResults(treatment: Treatment, results: ReadonlyMap<string, InvocationResult>): Treatment {
  return {
    ...treatment,
    commands: treatment.commands.map((command): CommandRecord => {
      const result = results.get(invocationKey(command.commandId, command.instanceId));
      if (!result) return command;
      return {
        ...command,
        status: result.status,
        statusDetails: result.statusDetails,
        responseCode: result.responseCode,
        summary: isRunning(result.status) ? command.summary : DOCUMENTS[command.document].summarize(result.output),
      };
    }),
  };
}
