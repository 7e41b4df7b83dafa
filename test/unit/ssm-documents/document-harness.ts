// Loads the stack's SSM documents and runs their Linux steps the way Run Command would: parameters as
// SSM_<name> environment variables (interpolationType ENV_VAR) and/or substituted into {{ name }}.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { DOCUMENTS_DIRECTORY } from '../../../lib/ssm-document-files';

export type DocumentName = 'restart-replication-agent' | 'check-disk-space' | 'check-connectivity';
export const DOCUMENT_NAMES: readonly DocumentName[] = [
  'restart-replication-agent',
  'check-disk-space',
  'check-connectivity',
];
export type Platform = 'Linux' | 'Windows';

/** The Region's S3 buckets the agent needs, as `<bucket>-<region>.s3.<region>.amazonaws.com` (MGN network requirements). */
export const MGN_BUCKETS: readonly string[] = [
  'aws-mgn-clients',
  'aws-mgn-clients-hashes',
  'aws-mgn-internal',
  'aws-mgn-internal-hashes',
  'aws-application-migration-service',
  'aws-application-migration-service-hashes',
];

export interface SsmParameter {
  readonly type: string;
  readonly description: string;
  readonly default?: string;
  readonly allowedPattern: string;
  readonly interpolationType?: string;
}

export interface SsmStep {
  readonly action: string;
  readonly name: string;
  readonly precondition: { readonly StringEquals: readonly string[] };
  readonly inputs: { readonly timeoutSeconds: number; readonly runCommand: readonly string[] };
}

export interface SsmDocument {
  readonly schemaVersion: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, SsmParameter>>;
  readonly mainSteps: readonly SsmStep[];
}

export function readDocumentText(name: DocumentName): string {
  return readFileSync(join(DOCUMENTS_DIRECTORY, `${name}.yaml`), 'utf8');
}

export function loadDocument(name: DocumentName): SsmDocument {
  return parse(readDocumentText(name)) as SsmDocument;
}

export function findStep(document: SsmDocument, platform: Platform): SsmStep {
  const step = document.mainSteps.find((candidate) => candidate.precondition.StringEquals[1] === platform);
  if (!step) throw new Error(`no ${platform} step`);
  return step;
}

/** The script file the SSM agent writes: runCommand elements joined by newlines. */
export function readScript(name: DocumentName, platform: Platform): string {
  return findStep(loadDocument(name), platform).inputs.runCommand.join('\n');
}

// The agent's template syntax, {{ name }} with optional spaces.
export const TEMPLATE_REFERENCE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export function substituteTemplates(script: string, values: Readonly<Record<string, string>>): string {
  return script.replace(TEMPLATE_REFERENCE, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {{ ${name} }}`);
    return value;
  });
}

/** Defaults plus given values, as SSM resolves them; a parameter without a default must be given. */
export function resolveParameters(
  document: SsmDocument,
  given: Readonly<Record<string, string>>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(document.parameters)) {
    const value = given[name] ?? parameter.default;
    if (value === undefined) throw new Error(`required parameter ${name} not given`);
    values[name] = value;
  }
  return values;
}

/** 'env': a current agent (SSM_<name> set; the template is substituted too). 'template': an agent older than 3.3.2746.0. */
export type InterpolationMode = 'env' | 'template';

export interface RunOptions {
  readonly params?: Readonly<Record<string, string>>;
  readonly mode?: InterpolationMode;
  readonly env?: Readonly<Record<string, string>>;
  /** Files under the fake root (MGN_DOCTOR_TEST_ROOT), path → content. */
  readonly files?: Readonly<Record<string, string>>;
  /** Executable bash scripts under the fake root (an init script), path → bash body. */
  readonly executables?: Readonly<Record<string, string>>;
  readonly dirs?: readonly string[];
  /** Stub executables put on PATH, name → bash body. */
  readonly stubs?: Readonly<Record<string, string>>;
  /** Run with /bin/sh (dash here) instead of bash, as `sh -c _script.sh` would without the shebang. */
  readonly shell?: 'bash' | 'sh';
  /** Replaces the script text before it runs (to simulate what allowedPattern normally prevents). */
  readonly rawScript?: string;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** Lines the stubs appended to $FAKE_CALLS. */
  readonly calls: string[];
  readonly sandbox: string;
}

// Real tools the scripts use besides the stubs; everything else is absent from PATH.
const REAL_TOOLS = ['bash', 'awk', 'head', 'tail', 'tr'] as const;

const toolPaths = new Map<string, string>();

function locateTool(tool: string): string {
  const known = toolPaths.get(tool);
  if (known) return known;
  const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') throw new Error(`${tool} not found`);
  toolPaths.set(tool, path);
  return path;
}

export const BASH_PATH: string | undefined = (() => {
  try {
    return locateTool('bash');
  } catch {
    return undefined;
  }
})();

const sandboxes: string[] = [];

export function removeSandboxes(): void {
  for (const dir of sandboxes.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function runLinuxStep(name: DocumentName, options: RunOptions = {}): RunResult {
  if (!BASH_PATH) throw new Error('bash is not installed');
  const document = loadDocument(name);
  const values = resolveParameters(document, options.params ?? {});
  const script = options.rawScript ?? substituteTemplates(readScript(name, 'Linux'), values);

  const sandbox = mkdtempSync(join(tmpdir(), 'mgn-doctor-ssm-'));
  sandboxes.push(sandbox);
  const bin = join(sandbox, 'bin');
  const root = join(sandbox, 'root');
  mkdirSync(bin);
  mkdirSync(root);
  for (const tool of REAL_TOOLS) symlinkSync(locateTool(tool), join(bin, tool));
  for (const [stub, body] of Object.entries(options.stubs ?? {})) {
    const path = join(bin, stub);
    writeFileSync(path, `#!${BASH_PATH}\n${body}\n`);
    chmodSync(path, 0o755);
  }
  for (const dir of options.dirs ?? []) mkdirSync(join(root, dir), { recursive: true });
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const [path, body] of Object.entries(options.executables ?? {})) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `#!${BASH_PATH}\n${body}\n`, { mode: 0o755 });
  }
  const scriptPath = join(sandbox, '_script.sh');
  writeFileSync(scriptPath, script, { mode: 0o700 });
  const callsPath = join(sandbox, 'calls.log');
  writeFileSync(callsPath, '');

  const env: Record<string, string> = {
    PATH: bin,
    LC_ALL: 'C',
    MGN_DOCTOR_TEST_ROOT: root,
    FAKE_CALLS: callsPath,
  };
  if ((options.mode ?? 'env') === 'env') {
    for (const [parameter, value] of Object.entries(values)) env[`SSM_${parameter}`] = value;
  }
  // Last, so a test can hand the script an SSM_ value that allowedPattern would have refused.
  Object.assign(env, options.env);
  const shell = options.shell === 'sh' ? '/bin/sh' : BASH_PATH;
  const run = spawnSync(shell, [scriptPath], { cwd: sandbox, env, encoding: 'utf8', timeout: 15_000 });
  if (run.error) throw run.error;
  return {
    stdout: run.stdout,
    stderr: run.stderr,
    exitCode: run.status ?? -1,
    calls: readFileSync(callsPath, 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
    sandbox,
  };
}
