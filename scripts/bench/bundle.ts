// Builds the Lambda bundle the way the stack does: the options are read from the `bundling` block of
// lib/constructs/doctor-function.ts (so the benchmark follows the stack), and passed to esbuild as
// aws-cdk-lib's NodejsFunction passes them (`--bundle --platform=node --target --format --minify --sourcemap
// --external:…`). An option this file does not know makes it fail rather than build something else.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const HANDLER_ENTRY = path.join(PROJECT_ROOT, 'lambdas', 'handlers', 'run-doctor.ts');
export const CONSTRUCT_FILE = path.join(PROJECT_ROOT, 'lib', 'constructs', 'doctor-function.ts');
const RUNNER_ENTRY = path.join(__dirname, 'handler-runner.ts');

export interface StackBundling {
  readonly minify: boolean;
  readonly sourceMap: boolean;
  /** false: the source map without the sources' text (CDK's `sourcesContent`, default true). */
  readonly sourcesContent: boolean;
  readonly target: string;
  readonly format: 'cjs' | 'esm';
  readonly externalModules: readonly string[];
}

const KNOWN_KEYS = new Set(['minify', 'sourceMap', 'sourcesContent', 'target', 'format', 'externalModules']);

/** The text between the braces of `bundling: { … }`. */
function bundlingBlock(source: string): string {
  const start = source.search(/\bbundling:\s*\{/);
  if (start < 0) throw new Error(`${CONSTRUCT_FILE}: no "bundling: {" block found`);
  const open = source.indexOf('{', start);
  let depth = 0;
  for (let index = open; index < source.length; index++) {
    if (source[index] === '{') depth++;
    else if (source[index] === '}' && --depth === 0) return source.slice(open + 1, index);
  }
  throw new Error(`${CONSTRUCT_FILE}: unbalanced "bundling" block`);
}

/** Reads the stack's bundling options from the construct's source. */
export function readStackBundling(source = fs.readFileSync(CONSTRUCT_FILE, 'utf8')): StackBundling {
  const block = bundlingBlock(source)
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '');
  // Top-level keys only: strip the contents of nested brackets first.
  let flat = block;
  for (let previous = ''; previous !== flat; ) {
    previous = flat;
    flat = flat.replace(/\[[^[\]]*\]/g, '[]').replace(/\{[^{}]*\}/g, '{}');
  }
  const keys = [...flat.matchAll(/(?:^|,)\s*([A-Za-z_$][\w$]*)\s*:/g)].map((match) => match[1] as string);
  const unknown = keys.filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0)
    throw new Error(
      `${CONSTRUCT_FILE}: bundling option(s) ${unknown.join(', ')} are not mirrored by scripts/bench/bundle.ts; add them there`,
    );

  const flag = (name: string): boolean => new RegExp(`\\b${name}:\\s*true\\b`).test(block);
  const target = /\btarget:\s*'([^']+)'/.exec(block)?.[1];
  const format = /\bformat:\s*OutputFormat\.(CJS|ESM)\b/.exec(block)?.[1];
  const externals = /\bexternalModules:\s*\[([^\]]*)\]/.exec(block)?.[1];
  if (target === undefined || format === undefined || externals === undefined) {
    throw new Error(
      `${CONSTRUCT_FILE}: expected target: '…', format: OutputFormat.… and externalModules: [ … ] in the bundling block`,
    );
  }
  return {
    minify: flag('minify'),
    sourceMap: flag('sourceMap'),
    sourcesContent: !/\bsourcesContent:\s*false\b/.test(block),
    target,
    format: format === 'CJS' ? 'cjs' : 'esm',
    externalModules: [...externals.matchAll(/'([^']+)'/g)].map((match) => match[1] as string),
  };
}

export interface BuiltBundle {
  readonly dir: string;
  readonly entry: string;
  /** The handler bundle (`index.js`). */
  readonly file: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** The child-process runner (`runner.js`). */
  readonly runner: string;
  readonly options: StackBundling;
  /** Output bytes per package (node_modules/<name>, or `project` for the project's own code), largest first. */
  readonly composition: readonly { readonly name: string; readonly bytes: number }[];
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.split(path.sep).join('/'));
  return match?.[1] ?? 'project';
}

/**
 * Builds `index.js` (+ map) and `runner.js` into `dir`. `entry` defaults to the stack's handler; another entry
 * (a candidate change in a copy of lambdas/, say) is bundled with the same options.
 */
export async function buildBundle(dir: string, entry: string = HANDLER_ENTRY): Promise<BuiltBundle> {
  const options = readStackBundling();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, options.format === 'esm' ? 'index.mjs' : 'index.js');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: options.target,
    format: options.format,
    outfile: file,
    minify: options.minify,
    sourcemap: options.sourceMap,
    sourcesContent: options.sourcesContent,
    external: [...options.externalModules],
    metafile: true,
    logLevel: 'error',
    absWorkingDir: PROJECT_ROOT,
  });
  const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
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
    file,
    bytes: fs.statSync(file).size,
    sourceMapBytes: fs.existsSync(`${file}.map`) ? fs.statSync(`${file}.map`).size : 0,
    runner,
    options,
    composition: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}
