// docs/design.md section 2 (treat, collect): poll ListCommandInvocations until every invocation has finished
// or the wait budget is spent. Whatever is still running stays pending in the ledger for the next run.
import { mapWithConcurrency, errorText } from './concurrency';
import { isRunning } from './ledger';
import type { InvocationResult } from './model';
import type { Clock, CommandRunner, Log } from './ports';

/** Waits between polls: fast first (hosts that answer at once), then gentler on the SSM API. */
const POLL_DELAYS_MS = [0, 2_000, 3_000, 5_000, 5_000, 10_000];
export const POLL_CONCURRENCY = 10;

export const invocationKey = (commandId: string, instanceId: string): string => `${commandId}/${instanceId}`;

export interface ExpectedCommand {
  readonly commandId: string;
  readonly instanceIds: readonly string[];
}

/** Results by `invocationKey`; an invocation SSM has not listed yet is absent (still pending). */
export async function collectResults(
  expected: readonly ExpectedCommand[],
  deadline: Date,
  runner: CommandRunner,
  clock: Clock,
  log: Log,
): Promise<Map<string, InvocationResult>> {
  const results = new Map<string, InvocationResult>();
  const finished = (command: ExpectedCommand): boolean =>
    command.instanceIds.every((instanceId) => {
      const result = results.get(invocationKey(command.commandId, instanceId));
      return result !== undefined && !isRunning(result.status);
    });

  let waiting = [...expected];
  for (let round = 0; waiting.length > 0; round++) {
    const delay = POLL_DELAYS_MS[Math.min(round, POLL_DELAYS_MS.length - 1)] ?? 0;
    if (round > 0 && clock.now().getTime() + delay > deadline.getTime()) break;
    if (delay > 0) await clock.sleep(delay);
    await mapWithConcurrency(waiting, POLL_CONCURRENCY, async (command) => {
      try {
        for (const result of await runner.listInvocations(command.commandId)) {
          results.set(invocationKey(result.commandId, result.instanceId), result);
        }
      } catch (error) {
        // A failed poll leaves the command pending; the next round or the next run tries again.
        log.warn('Could not list command invocations', { commandId: command.commandId, error: errorText(error) });
      }
    });
    waiting = waiting.filter((command) => !finished(command));
  }
  return results;
}
