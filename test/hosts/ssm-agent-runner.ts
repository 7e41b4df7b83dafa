// What the SSM Agent does with a schema-2.2 Command document on a Linux node, written from a reading of its source
// (aws/amazon-ssm-agent at commit 1c217c89b42de51d4f4063363d8ec1f2eef56055, agent 3.3.x, Apache-2.0; nothing of
// it is copied here). Each rule below names the file it follows:
// - agent/framework/docparser/docparser.go getValidatedParameters: given values, then defaults for the others;
// - …/docparser/parameterstore/parameterstore.go + paramvalidator/allowedregexparamvalidator: every value must match
//   its parameter's allowedPattern (Go regexp, unanchored unless the pattern anchors itself);
// - …/docparser/parameters/parameters.go ReplaceParameters: `{{ name }}` → value everywhere in the step's inputs,
//   `$$` in a value becomes `$`, a string that is nothing but one reference takes the value as is;
// - agent/framework/runpluginutil/runpluginutil.go: platformType preconditions (skip message, Skipped status), the
//   168/169 exit codes, the 24,000-character cut of StandardOutput/StandardError;
// - agent/plugins/runscript/runscript.go + runshellscript.go + pluginutil/pluginutil.go: runCommand joined by "\n"
//   plus a final "\n" into `_script.sh` (mode 0700) under the orchestration directory, started as `sh -c <file>`;
//   timeoutSeconds outside 5…172800 becomes 3600;
// - agent/executers/executers.go + executers_unix.go: the agent's own environment plus AWS_SSM_INSTANCE_ID,
//   AWS_SSM_REGION_NAME, AWS_SSM_PLATFORM_NAME/VERSION; the shell leads its own process group, which is killed
//   with SIGKILL at the timeout; exit code 137 then, -1 for a process killed by a signal otherwise;
// - agent/plugins/pluginutil/pluginutil_unix.go GetStatus: 0 Success, 194 SuccessAndReboot, 137 TimedOut, else Failed;
// - agent/framework/processor/executer/iohandler/iohandler.go TruncateOutput: the 2,500-byte Output (console and
//   ListCommandInvocations) with its "---Output truncated---"/"---Error truncated----" marks;
// - agent/contracts/aggregator.go: the invocation's status (Failed > TimedOut > Cancelled > Success; Skipped counts
//   as Success) and a Failed step's code 0 reported as 1.
// Agent 3.3.2746.0 and later also hand every parameter with `interpolationType: ENV_VAR` to the script as
// SSM_<name> (Systems Manager user guide, "Data elements and parameters"); the source above predates it, so both
// agents can be played: 'template' (that source) and 'env-var' (the newer one, which still substitutes `{{ }}`).
import type { ChildProcess } from 'node:child_process';
import type { CommandInvocation, CommandPlugin } from '@aws-sdk/client-ssm';
import { parse } from 'yaml';

export type Interpolation = 'template' | 'env-var';

export interface DocumentParameter {
  readonly type: string;
  readonly default?: string;
  readonly allowedPattern?: string;
  readonly interpolationType?: string;
}

export interface DocumentStep {
  readonly action: string;
  readonly name: string;
  readonly precondition?: { readonly StringEquals?: readonly string[] };
  readonly inputs: { readonly timeoutSeconds?: number | string; readonly runCommand: readonly string[] | string };
}

export interface CommandDocument {
  readonly schemaVersion: string;
  readonly parameters?: Readonly<Record<string, DocumentParameter>>;
  readonly mainSteps: readonly DocumentStep[];
}

/** The node the agent runs on: where it writes files and starts processes. */
export interface ManagedNode {
  readonly instanceId: string;
  readonly region: string;
  /** The agent's view of the OS: platform.PlatformType, PlatformName and PlatformVersion. */
  readonly platformType: 'linux' | 'windows';
  readonly platformName: string;
  readonly platformVersion: string;
  /** The agent's own environment (a systemd service's: PATH and little else). */
  readonly agentEnvironment: Readonly<Record<string, string>>;
  writeFile(path: string, content: string, mode: number): void;
  /** Starts argv on the node with exactly this environment; the child must lead its own process group. */
  spawn(argv: readonly string[], environment: Readonly<Record<string, string>>, workingDirectory: string): ChildProcess;
}

export interface SendCommandInput {
  readonly commandId: string;
  readonly document: CommandDocument | string;
  /** As SendCommand takes them: name → values (a String parameter uses the first). */
  readonly parameters: Readonly<Record<string, readonly string[]>>;
}

export interface RunOptions {
  readonly interpolation: Interpolation;
}

/** SendCommand refused before anything reached the node (the SSM API's InvalidParameters). */
export interface RejectedCommand {
  readonly rejected: 'InvalidParameters';
  readonly message: string;
}

/** One invocation as ListCommandInvocations (Details=true) reports it, plus the full streams of each step. */
export interface InvocationRun {
  readonly invocation: CommandInvocation;
  readonly steps: readonly StepRun[];
}

export interface StepRun {
  readonly name: string;
  readonly agentStatus: AgentStatus;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What the agent keeps as StandardOutputContent: the first 24,000 characters. */
  readonly standardOutput: string;
  readonly elapsedMs: number;
}

type AgentStatus = 'Success' | 'Failed' | 'TimedOut' | 'Skipped' | 'SuccessAndReboot';

const SHELL_PLUGIN = 'aws:runShellScript';
const PARAMETER_NAME = /^[a-zA-Z0-9]+$/;
const DEFAULT_TIMEOUT_SECONDS = 3600;
const MIN_TIMEOUT_SECONDS = 5;
const MAX_TIMEOUT_SECONDS = 172_800;
const STOPPED_PREEMPTIVELY = 137;
const REBOOT = 194;
const EXIT_WITH_SUCCESS = 168;
const EXIT_WITH_FAILURE = 169;
const CONSOLE_OUTPUT_BYTES = 2500;
const MAX_STDOUT_LENGTH = 24_000;
const ORCHESTRATION_ROOT = '/var/lib/amazon/ssm';

/** Runs every step of a document on one node the way the agent does, and reports what SSM would. */
export async function runCommandOnNode(
  node: ManagedNode,
  input: SendCommandInput,
  options: RunOptions,
): Promise<InvocationRun | RejectedCommand> {
  const document = typeof input.document === 'string' ? (parse(input.document) as CommandDocument) : input.document;
  const resolved = resolveParameters(document, input.parameters);
  if ('rejected' in resolved) return resolved;

  const steps: StepRun[] = [];
  const plugins: CommandPlugin[] = [];
  for (const step of document.mainSteps) {
    const skipped = steps.some((run) => run.exitCode === EXIT_WITH_SUCCESS || run.exitCode === EXIT_WITH_FAILURE);
    const run = await runStep(node, input.commandId, document, step, resolved.values, options, skipped);
    steps.push(run.step);
    plugins.push(run.plugin);
  }
  const status = aggregateStatus(steps.map((step) => step.agentStatus));
  return {
    steps,
    invocation: {
      CommandId: input.commandId,
      InstanceId: node.instanceId,
      Status: status.status,
      StatusDetails: status.details,
      CommandPlugins: plugins,
    },
  };
}

function resolveParameters(
  document: CommandDocument,
  given: Readonly<Record<string, readonly string[]>>,
): { values: Record<string, string> } | RejectedCommand {
  const declared = document.parameters ?? {};
  const errors: string[] = [];
  for (const name of Object.keys(given)) {
    if (!(name in declared) || !PARAMETER_NAME.test(name)) errors.push(`parameter "${name}" is not declared`);
  }
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(declared)) {
    const value = given[name]?.[0] ?? parameter.default;
    if (value === undefined) {
      errors.push(`parameter "${name}" is required`);
      continue;
    }
    // Go's regexp has no lookaround and the same meaning of ^ and $ without flags as JavaScript's.
    if (parameter.allowedPattern !== undefined && !new RegExp(parameter.allowedPattern).test(value)) {
      errors.push(
        `error thrown in 'AllowedRegexParamValidator' while validating parameter /${name}/: parameter value /${value}/ does not match the allowed pattern /${parameter.allowedPattern}/`,
      );
    }
    values[name] = value;
  }
  if (errors.length > 0) {
    return {
      rejected: 'InvalidParameters',
      message: `all errors during param validation errors: ${errors.join('\n')}`,
    };
  }
  return { values };
}

async function runStep(
  node: ManagedNode,
  commandId: string,
  document: CommandDocument,
  step: DocumentStep,
  values: Readonly<Record<string, string>>,
  options: RunOptions,
  afterExitCode: boolean,
): Promise<{ step: StepRun; plugin: CommandPlugin }> {
  const skipReason = afterExitCode
    ? `Plugin with name ${step.action} and id ${step.name} skipped due to prior step with an exit condition`
    : unsatisfiedPrecondition(node, step);
  if (skipReason !== undefined) {
    const run: StepRun = {
      name: step.name,
      agentStatus: 'Skipped',
      exitCode: 0,
      stdout: '',
      stderr: '',
      standardOutput: '',
      elapsedMs: 0,
    };
    return { step: run, plugin: toPlugin(run, skipReason) };
  }
  if (step.action !== SHELL_PLUGIN) throw new Error(`this runner plays only ${SHELL_PLUGIN}, not ${step.action}`);

  const inputs = replaceParameters(step.inputs, values) as DocumentStep['inputs'];
  const runCommand = typeof inputs.runCommand === 'string' ? [inputs.runCommand] : inputs.runCommand;
  const directory = `${ORCHESTRATION_ROOT}/${node.instanceId}/document/orchestration/${commandId}/${step.name}`;
  const scriptPath = `${directory}/_script.sh`;
  node.writeFile(scriptPath, `${runCommand.join('\n')}\n`, 0o700);

  const environment: Record<string, string> = { ...node.agentEnvironment, SSM_COMMAND_ID: commandId };
  if (options.interpolation === 'env-var') {
    for (const [name, parameter] of Object.entries(document.parameters ?? {})) {
      if (parameter.interpolationType === 'ENV_VAR') environment[`SSM_${name}`] = values[name] ?? '';
    }
  }
  Object.assign(environment, {
    AWS_SSM_INSTANCE_ID: node.instanceId,
    AWS_SSM_REGION_NAME: node.region,
    AWS_SSM_PLATFORM_NAME: node.platformName,
    AWS_SSM_PLATFORM_VERSION: node.platformVersion,
  });

  const started = Date.now();
  const timeoutSeconds = validateExecutionTimeout(inputs.timeoutSeconds);
  const outcome = await execute(node.spawn(['sh', '-c', scriptPath], environment, '/'), timeoutSeconds);
  let stdout = outcome.stdout;
  let stderr = outcome.stderr;
  let agentStatus = statusForExitCode(outcome.exitCode);
  if (outcome.exitCode === EXIT_WITH_SUCCESS) {
    agentStatus = 'Success';
    stderr = '';
    stdout +=
      '\nStep exited with code 168. Therefore, marking step as succeeded. Further document steps will be skipped.';
  } else if (outcome.exitCode === EXIT_WITH_FAILURE) {
    const note =
      '\nStep exited with code 169. Therefore, marking step as Failed. Further document steps will be skipped.';
    stdout += note;
    stderr += note;
  }
  const run: StepRun = {
    name: step.name,
    agentStatus,
    exitCode: outcome.exitCode,
    stdout,
    stderr,
    standardOutput: stringPrefix(stdout, MAX_STDOUT_LENGTH, '--output truncated--'),
    elapsedMs: Date.now() - started,
  };
  return { step: run, plugin: toPlugin(run, truncateOutput(stdout, stderr, CONSOLE_OUTPUT_BYTES)) };
}

function unsatisfiedPrecondition(node: ManagedNode, step: DocumentStep): string | undefined {
  const args = step.precondition?.StringEquals;
  if (!args) return undefined;
  const [first, second] = args;
  const expected = first === 'platformType' ? second : first;
  if (args.length !== 2 || expected === undefined || (first !== 'platformType' && second !== 'platformType')) {
    throw new Error(`this runner plays only platformType preconditions (step ${step.name})`);
  }
  if (expected.toLowerCase() === node.platformType) return undefined;
  return `Step execution skipped due to unsatisfied preconditions: '"StringEquals": [${first}, ${second}]'. Step name: ${step.name}`;
}

/** ReplaceParameters: strings, lists and maps, recursively. */
function replaceParameters(input: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof input === 'string') {
    for (const [name, value] of Object.entries(values)) {
      if (new RegExp(`^{{\\s*${name}\\s*}}$`).test(input)) return value.replaceAll('$$', '$');
    }
    return replaceReferences(input, values);
  }
  if (Array.isArray(input)) return input.map((element) => replaceParameters(element, values));
  if (input !== null && typeof input === 'object') {
    return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, replaceParameters(value, values)]));
  }
  return input;
}

/** Every `{{ name }}` of a declared parameter, left to right in one pass: a value is never scanned again. */
function replaceReferences(text: string, values: Readonly<Record<string, string>>): string {
  const names = Object.keys(values).filter((name) => PARAMETER_NAME.test(name));
  if (names.length === 0) return text;
  const reference = new RegExp(`{{\\s*(${names.join('|')})\\s*}}`, 'g');
  return text.replace(reference, (_match, name: string) => (values[name] ?? '').replaceAll('$$', '$'));
}

function validateExecutionTimeout(value: number | string | undefined): number {
  const parsed = typeof value === 'number' ? Math.trunc(value) : Number.parseFloat(value ?? '');
  const seconds = Number.isFinite(parsed) ? Math.trunc(parsed) : DEFAULT_TIMEOUT_SECONDS;
  return seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS ? DEFAULT_TIMEOUT_SECONDS : seconds;
}

/** ExecuteCommand: wait for the shell, or kill its whole process group at the timeout. */
function execute(
  child: ChildProcess,
  timeoutSeconds: number,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    // After the timeout the agent stops copying output: what came later is not reported.
    child.stdout?.on('data', (chunk: Buffer) => timedOut || stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => timedOut || stderr.push(chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Go's WaitStatus.ExitStatus() is -1 for a process ended by a signal.
      const exitCode = timedOut ? STOPPED_PREEMPTIVELY : signal !== null ? -1 : (code ?? -1);
      resolve({
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

function statusForExitCode(exitCode: number): AgentStatus {
  if (exitCode === 0) return 'Success';
  if (exitCode === REBOOT) return 'SuccessAndReboot';
  if (exitCode === STOPPED_PREEMPTIVELY) return 'TimedOut';
  return 'Failed';
}

/** What ListCommandInvocations shows for one step. The API has no Skipped: a skipped step reads as Success. */
function toPlugin(run: StepRun, output: string): CommandPlugin {
  const status = run.agentStatus === 'Skipped' || run.agentStatus === 'SuccessAndReboot' ? 'Success' : run.agentStatus;
  return {
    Name: run.name,
    Status: status,
    StatusDetails: status === 'TimedOut' ? 'ExecutionTimedOut' : status,
    ResponseCode: run.agentStatus === 'Failed' && run.exitCode === 0 ? 1 : run.exitCode,
    Output: output,
  };
}

function aggregateStatus(statuses: readonly AgentStatus[]): {
  status: CommandInvocation['Status'];
  details: string;
} {
  if (statuses.includes('Failed')) return { status: 'Failed', details: 'Failed' };
  if (statuses.includes('TimedOut')) return { status: 'TimedOut', details: 'ExecutionTimedOut' };
  return { status: 'Success', details: 'Success' };
}

/** StringPrefix: at most maxLength bytes, the suffix included, when the text reaches maxLength. */
function stringPrefix(text: string, maxLength: number, suffix: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length < maxLength) return text;
  return bytes.subarray(0, maxLength - suffix.length).toString('utf8') + suffix;
}

/** TruncateOutput: stdout and stderr in `capacity` bytes, with the agent's separator and truncation marks. */
export function truncateOutput(stdout: string, stderr: string, capacity: number): string {
  const out = Buffer.from(stdout, 'utf8');
  const err = Buffer.from(stderr, 'utf8');
  const errorTitle = err.length > 0 ? '\n----------ERROR-------\n' : '';
  const truncateOut = '\n---Output truncated---';
  const truncateError = '\n---Error truncated----';
  const available = capacity - errorTitle.length;
  const text = (bytes: Buffer, end?: number): string => bytes.subarray(0, end).toString('utf8');
  if (out.length + err.length < available) return `${stdout}${errorTitle}${stderr}`;
  if (out.length > available / 2 && err.length > available / 2) {
    const half = Math.trunc((available - truncateError.length - truncateOut.length) / 2);
    return `${text(out, half)}${truncateOut}${errorTitle}${text(err, half)}${truncateError}`;
  }
  if (out.length <= available / 2) {
    return `${stdout}${errorTitle}${text(err, available - truncateError.length - out.length)}${truncateError}`;
  }
  return `${text(out, available - truncateOut.length - err.length)}${truncateOut}${errorTitle}${stderr}`;
}
