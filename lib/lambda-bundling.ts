// The esbuild options of the doctor's Lambda bundle, in one place: the construct hands them to NodejsFunction and
// the benchmark builds with them, so what is measured (and tested on Node 24) is what is deployed. No CDK import:
// the benchmark loads this module too.
import * as path from 'node:path';

/** A module bundled into its own file next to index.js, and loaded only when a run first needs it. */
export interface LazyModule {
  /** The source file, relative to the project root. */
  readonly entry: string;
  /** The import path the code uses (`require('./ec2-sdk')`), kept as it is in index.js. */
  readonly importPath: string;
  /** The file it becomes next to index.js, where that import path finds it at run time. */
  readonly file: string;
}

export interface LambdaBundling {
  readonly entry: string;
  readonly minify: boolean;
  readonly sourceMap: boolean;
  /** false: the source map without the sources' text. */
  readonly sourcesContent: boolean;
  readonly target: string;
  readonly format: 'cjs';
  /** `module` first: the SDK's ES modules let esbuild drop the commands and schemas the doctor never sends. */
  readonly mainFields: readonly string[];
  readonly lazyModules: readonly LazyModule[];
}

export const PROJECT_ROOT = path.resolve(__dirname, '..');

export const DOCTOR_BUNDLING: LambdaBundling = {
  entry: 'lambdas/handlers/run-doctor.ts',
  minify: true,
  sourceMap: true,
  // File and line in stack traces without the sources' text: ~8 MB less memory and a faster cold start.
  sourcesContent: false,
  target: 'node24',
  format: 'cjs',
  mainFields: ['module', 'main'],
  // Every SDK client is bundled: Lambda runs the versions the tests ran, not the runtime's. EC2 and IAM serve one
  // call each in some runs, and EC2's schemas alone are ~850 KB: in index.js their parsing doubled module init.
  lazyModules: [
    { entry: 'lambdas/adapters/ec2-sdk.ts', importPath: './ec2-sdk', file: 'ec2-sdk.js' },
    { entry: 'lambdas/adapters/iam-sdk.ts', importPath: './iam-sdk', file: 'iam-sdk.js' },
    // PutEvents serves only runs with news: its client stays out of every other run's module init.
    { entry: 'lambdas/adapters/events-sdk.ts', importPath: './events-sdk', file: 'events-sdk.js' },
    // AssumeRole into member accounts' spoke roles serves only a hub's runs (docs/design.md section 13).
    { entry: 'lambdas/adapters/sts-sdk.ts', importPath: './sts-sdk', file: 'sts-sdk.js' },
  ],
};

/** The import paths left to run-time `require`: only the lazy modules, found next to index.js. */
export const externalModules = (bundling: LambdaBundling): string[] =>
  bundling.lazyModules.map((module) => module.importPath);

/**
 * esbuild's command-line arguments for one output file, in the form aws-cdk-lib's NodejsFunction gives them for
 * the same options. The infra test checks that CDK's index.js and the benchmark's are the same bytes.
 */
export function esbuildArguments(bundling: LambdaBundling, entry: string, outfile: string): string[] {
  return [
    '--bundle',
    entry,
    `--target=${bundling.target}`,
    '--platform=node',
    `--format=${bundling.format}`,
    `--outfile=${outfile}`,
    ...(bundling.minify ? ['--minify'] : []),
    ...(bundling.sourceMap ? ['--sourcemap'] : []),
    ...(bundling.sourcesContent ? [] : ['--sources-content=false']),
    ...externalModules(bundling).map((name) => `--external:${name}`),
    `--main-fields=${bundling.mainFields.join(',')}`,
  ];
}

/** A POSIX shell word: single-quoted, with embedded single quotes closed, escaped and reopened. */
const shellWord = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Shell commands that bundle each lazy module into `outputDir` with the project's esbuild (run from the project
 * root, as CDK runs its own): NodejsFunction's afterBundling hook.
 */
export function lazyModuleCommands(bundling: LambdaBundling, inputDir: string, outputDir: string): string[] {
  return bundling.lazyModules.map((module) =>
    [
      'npx',
      '--no-install',
      'esbuild',
      ...esbuildArguments(bundling, path.join(inputDir, module.entry), path.join(outputDir, module.file)),
    ]
      .map(shellWord)
      .join(' '),
  );
}
