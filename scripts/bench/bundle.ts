// Builds the Lambda bundle the way the stack does: the options come from lib/lambda-bundling.ts, which the
// construct hands to NodejsFunction, and esbuild runs with the command-line arguments NodejsFunction gives it
// (test/infra/bundling.test.ts checks that both builds are the same bytes). Also the baseline bundle that module
// init is compared with, and the small runner the benchmark starts the bundle with.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { DOCTOR_BUNDLING, esbuildArguments, PROJECT_ROOT, type LambdaBundling } from '../../lib/lambda-bundling';

export { PROJECT_ROOT };
export const HANDLER_ENTRY = path.join(PROJECT_ROOT, DOCTOR_BUNDLING.entry);
const RUNNER_ENTRY = path.join(__dirname, 'handler-runner.ts');
const BASELINE_ENTRY = path.join(__dirname, 'baseline-entry.ts');
const CHAIN_BASELINE_ENTRY = path.join(__dirname, 'chain-baseline-entry.ts');
const ESBUILD = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild');

export interface BundlePart {
  /** node_modules/<name>@<version>, or `project` for the project's own code. */
  readonly name: string;
  readonly bytes: number;
}

export interface BundleFile {
  /** index.js, or a lazy module's file. */
  readonly file: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** Output bytes per package and version, largest first. */
  readonly composition: readonly BundlePart[];
}

export interface BuiltBundle {
  readonly dir: string;
  readonly entry: string;
  /** The handler bundle (`index.js`). */
  readonly file: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** index.js and each lazy module's file. */
  readonly files: readonly BundleFile[];
  /** The child-process runner (`runner.js`, not part of the Lambda's asset). */
  readonly runner: string;
  readonly options: LambdaBundling;
  /** Output bytes per package of index.js, largest first. */
  readonly composition: readonly BundlePart[];
}

/** `node_modules/<name>@<version>` of an esbuild input path (the innermost node_modules), or `project`. */
export function packageOf(input: string, root: string = PROJECT_ROOT): string {
  const posix = input.split(path.sep).join('/');
  const at = posix.lastIndexOf('node_modules/');
  if (at < 0) return 'project';
  const [scope, name] = posix.slice(at + 'node_modules/'.length).split('/');
  const packageName = scope?.startsWith('@') ? `${scope}/${name}` : (scope as string);
  const manifest = path.resolve(root, posix.slice(0, at), 'node_modules', packageName, 'package.json');
  try {
    return `${packageName}@${(JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version}`;
  } catch {
    return packageName;
  }
}

interface Metafile {
  readonly outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** One esbuild run with the stack's command-line arguments (and a metafile for the composition). */
async function bundleOne(options: LambdaBundling, entry: string, outfile: string): Promise<BundleFile> {
  const metafile = `${outfile}.meta.json`;
  await promisify(execFile)(
    ESBUILD,
    [...esbuildArguments(options, entry, outfile), `--metafile=${metafile}`, '--log-level=error'],
    { cwd: PROJECT_ROOT },
  );
  const meta = JSON.parse(fs.readFileSync(metafile, 'utf8')) as Metafile;
  fs.rmSync(metafile);
  const output = Object.values(meta.outputs).find((candidate) => candidate.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return {
    file: outfile,
    bytes: fs.statSync(outfile).size,
    sourceMapBytes: fs.existsSync(`${outfile}.map`) ? fs.statSync(`${outfile}.map`).size : 0,
    composition: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}

/** A lazy module's source for a handler entry: beside a copy of lambdas/ as beside the original. */
function lazyEntry(entry: string, moduleEntry: string): string {
  return path.resolve(path.dirname(entry), path.relative(path.dirname(DOCTOR_BUNDLING.entry), moduleEntry));
}

/**
 * Builds `index.js` (+ map) and each lazy module into `dir`, as in the stack's asset, and `runner.js` (which
 * loads and invokes it) beside them.
 * `entry` defaults to the stack's handler; another entry (a candidate change in a copy of lambdas/, say) is
 * bundled with the same options.
 */
export async function buildBundle(dir: string, entry: string = HANDLER_ENTRY): Promise<BuiltBundle> {
  const options = DOCTOR_BUNDLING;
  fs.mkdirSync(dir, { recursive: true });
  const files = await Promise.all([
    bundleOne(options, entry, path.join(dir, 'index.js')),
    ...options.lazyModules.map((module) =>
      bundleOne(options, lazyEntry(entry, module.entry), path.join(dir, module.file)),
    ),
  ]);
  const main = files[0] as BundleFile;
  const runner = path.join(dir, 'runner.js');
  await build({
    entryPoints: [RUNNER_ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: runner,
    logLevel: 'error',
  });
  return {
    dir,
    entry,
    file: main.file,
    bytes: main.bytes,
    sourceMapBytes: main.sourceMapBytes,
    files,
    runner,
    options,
    composition: main.composition,
  };
}

/**
 * The baseline of module init: a bundle with the same options that only loads the SDK clients and Powertools the
 * handler loads at init, and builds them as the handler does.
 */
export async function buildBaselineBundle(dir: string): Promise<BundleFile> {
  fs.mkdirSync(dir, { recursive: true });
  return bundleOne(DOCTOR_BUNDLING, BASELINE_ENTRY, path.join(dir, 'index.js'));
}

/**
 * The baseline of the wall-time ratio: a bundle with the same options that makes the I/O floor's calls through the
 * handler's clients and adapters and does nothing else (chain-baseline-entry.ts).
 */
export async function buildChainBaselineBundle(dir: string): Promise<BundleFile> {
  fs.mkdirSync(dir, { recursive: true });
  return bundleOne(DOCTOR_BUNDLING, CHAIN_BASELINE_ENTRY, path.join(dir, 'index.js'));
}
