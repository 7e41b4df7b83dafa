// RestartReplicationAgent on Windows must never leave AwsReplicationService stopped: a stop that outlasts its
// deadline throws, and the start has to come anyway. No PowerShell runs here, so this reads the script's control
// flow from its syntax tree: $service.Start() must sit in the finally of the try whose body calls
// $service.Stop(), and be reached on every path through that finally.
import { readScript } from './document-harness';
import { contains, findAll, type Node, parsePowerShell } from './powershell-grammar';

const SERVICE_VARIABLE = '$service';

/** `$service.<method>(...)` calls, in document order. */
function findServiceCalls(root: Node, method: string): Node[] {
  return findAll(root, ['invokation_expression']).filter((call) => {
    const target = call.children[0];
    const member = call.children.find((child) => child?.type === 'member_name');
    return (
      target?.type === 'variable' &&
      target.text.toLowerCase() === SERVICE_VARIABLE &&
      member?.text.toLowerCase() === method.toLowerCase()
    );
  });
}

const bodyOf = (tryStatement: Node): Node | undefined =>
  tryStatement.children.find((child) => child?.type === 'statement_block') ?? undefined;

/** The innermost try statement, up to `limit`, whose body (not a catch or finally) holds `node`. */
function findGuardingTry(node: Node, limit?: Node): Node | undefined {
  for (let current = node.parent; current && current !== limit; current = current.parent) {
    const body = current.type === 'try_statement' ? bodyOf(current) : undefined;
    if (body && contains(body, node)) return current;
  }
  return undefined;
}

function isInside(node: Node, types: readonly string[], limit: Node): boolean {
  for (let current = node.parent; current && current !== limit; current = current.parent)
    if (types.includes(current.type)) return true;
  return false;
}

/** Why $service.Start() may not be reached after $service.Stop(); empty when it always is. */
function findRestartFlowProblems(root: Node): string[] {
  const stops = findServiceCalls(root, 'Stop');
  if (stops.length === 0) return ['no $service.Stop() call'];
  const problems: string[] = [];
  for (const stop of stops) {
    const line = `Stop() on line ${stop.startPosition.row + 1}`;
    const guard = findGuardingTry(stop);
    if (!guard) {
      problems.push(`${line} is in no try`);
      continue;
    }
    const finallyClause = guard.children.find((child) => child?.type === 'finally_clause');
    if (!finallyClause) {
      problems.push(`the try around ${line} has no finally: an error skips the start`);
      continue;
    }
    const start = findServiceCalls(finallyClause, 'Start')[0];
    if (!start) {
      problems.push(`the finally of the try around ${line} never calls $service.Start()`);
      continue;
    }
    problems.push(...findSkipsBefore(start, finallyClause));
  }
  return problems;
}

/** What, in the finally, could keep control from reaching `start`. */
function findSkipsBefore(start: Node, finallyClause: Node): string[] {
  const problems: string[] = [];
  const where = (node: Node): string => `line ${node.startPosition.row + 1}`;
  if (isInside(start, ['catch_clause', 'catch_clauses'], finallyClause))
    problems.push(`Start() on ${where(start)} runs only after an error`);
  // Leaving the finally early: a return, exit, throw, break or continue before the start (not in a function).
  for (const flow of findAll(finallyClause, ['flow_control_statement'])) {
    if (
      flow.startIndex < start.startIndex &&
      !isInside(flow, ['function_statement', 'script_block_expression'], finallyClause)
    )
      problems.push(`${flow.text.split(/\s/)[0]} on ${where(flow)} can leave the finally before Start()`);
  }
  // The start may wait on the service's state, and on nothing else.
  for (let current = start.parent; current && current !== finallyClause; current = current.parent) {
    if (current.type === 'if_statement' || current.type === 'elseif_clause') {
      const condition = current.children.find((child) => child?.type === 'pipeline');
      if (!condition || !/\$service\.Status\b/i.test(condition.text))
        problems.push(`Start() on ${where(start)} waits on a condition other than $service.Status`);
    }
    if (
      ['while_statement', 'do_statement', 'foreach_statement', 'for_statement', 'switch_statement'].includes(
        current.type,
      )
    )
      problems.push(`Start() on ${where(start)} is inside a ${current.type.replace('_statement', '')} loop`);
  }
  // Any call before the start that can throw needs its own try with a catch, one that does not also hold the
  // start. Code inside a catch runs only after an error and is taken not to throw.
  const callsBefore = findAll(finallyClause, ['invokation_expression', 'command']).filter(
    (call) => call.endIndex <= start.startIndex && !isInside(call, ['catch_clause'], finallyClause),
  );
  for (const call of callsBefore) {
    const guard = findGuardingTry(call, finallyClause);
    const caught = guard?.children.some((child) => child?.type === 'catch_clauses') ?? false;
    if (!guard || !caught || contains(guard, start))
      problems.push(`${call.text.split('\n')[0]} on ${where(call)} can throw before Start() is tried`);
  }
  return problems;
}

describe('RestartReplicationAgent on Windows: the start is reached on every path', () => {
  it('holds for the document’s script', async () => {
    const root = await parsePowerShell(readScript('restart-replication-agent', 'Windows'));
    expect(findServiceCalls(root, 'Stop')).toHaveLength(1);
    expect(findRestartFlowProblems(root)).toEqual([]);
  });

  it('starts a stopped service only from the finally, and waits for it to run', async () => {
    const root = await parsePowerShell(readScript('restart-replication-agent', 'Windows'));
    const starts = findServiceCalls(root, 'Start');
    expect(starts).toHaveLength(1);
    const waits = findServiceCalls(root, 'WaitForStatus').map((call) => call.text);
    expect(waits).toEqual([
      "$service.WaitForStatus('Stopped', $StopTimeout)",
      "$service.WaitForStatus('Stopped', $StopTimeout)",
      "$service.WaitForStatus('Running', $StartTimeout)",
    ]);
  });
});

describe('the flow check fails a script that can leave the service stopped', () => {
  const real = readScript('restart-replication-agent', 'Windows');

  it.each([
    [
      'a stop that times out skips the start (no finally)',
      "try {\n  $service.Stop()\n  $service.WaitForStatus('Stopped', $StopTimeout)\n  $service.Start()\n} catch {\n  $e = $_\n}",
      /has no finally/,
    ],
    [
      'a wait in the finally that can throw before the start',
      "try { $service.Stop() } finally {\n  $service.WaitForStatus('Stopped', $StopTimeout)\n  $service.Start()\n}",
      /WaitForStatus.*can throw before Start/,
    ],
    [
      'a start only after an error',
      'try { $service.Stop() } catch { $service.Start() } finally { $done = 1 }',
      /never calls \$service\.Start/,
    ],
    [
      'a return before the start',
      'try { $service.Stop() } finally {\n  if ($quit) { return }\n  $service.Start()\n}',
      /return on line 2 can leave the finally/,
    ],
    ['a stop in no try', '$service.Stop()\n$service.Start()', /is in no try/],
  ])('%s', async (_case, source, expected) => {
    const problems = findRestartFlowProblems(await parsePowerShell(source));
    expect(problems.join('\n')).toMatch(expected);
  });

  it.each([
    [
      'the document’s start made to depend on the stop having worked',
      "    if ($service.Status -eq 'Stopped') { $service.Start() }",
      "    if ($stopError -eq '') { $service.Start() }",
      /waits on a condition other than \$service\.Status/,
    ],
    [
      'the document’s second wait taken out of its own try',
      "  try {\n    $service.Refresh()\n    if ($service.Status -eq 'StopPending') { $service.WaitForStatus('Stopped', $StopTimeout) }\n  } catch {\n    if (-not $stopError) { $stopError = Get-ErrorText $_ }\n  }\n",
      "  $service.Refresh()\n  if ($service.Status -eq 'StopPending') { $service.WaitForStatus('Stopped', $StopTimeout) }\n",
      /Refresh\(\) on line \d+ can throw/,
    ],
    [
      'the document’s finally made a catch',
      '} finally {\n  # Whatever happened',
      '} catch {\n  # Whatever happened',
      /has no finally/,
    ],
  ])('%s', async (_case, from, to, expected) => {
    expect(real).toContain(from);
    const problems = findRestartFlowProblems(await parsePowerShell(real.replace(from, to)));
    expect(problems.join('\n')).toMatch(expected);
  });
});
