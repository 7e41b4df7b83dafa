// The one infra suite that bundles for real (local esbuild, as `cdk synth` does): the handler entry bundles with a
// source map, every SDK client the doctor calls is inside the asset (Lambda runs the versions the tests ran), the
// benchmark builds the very same bytes, and index.js fits its budget.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadStackConfig } from '../../lib/config';
import { DoctorStack } from '../../lib/doctor-stack';
import { DOCTOR_BUNDLING, esbuildArguments, lazyModuleCommands } from '../../lib/lambda-bundling';
import { buildBundle } from '../../scripts/bench/bundle';
import { ACCOUNT, REGION } from './synth';

/** Every SDK package whose client the doctor calls, and where in the asset it must be. */
const CLIENTS: readonly { readonly name: string; readonly file: string }[] = [
  { name: '@aws-sdk/client-mgn', file: 'index.js' },
  { name: '@aws-sdk/client-ssm', file: 'index.js' },
  { name: '@aws-sdk/client-sns', file: 'index.js' },
  { name: '@aws-sdk/client-dynamodb', file: 'index.js' },
  { name: '@aws-sdk/lib-dynamodb', file: 'index.js' },
  { name: '@aws-sdk/client-ec2', file: 'ec2-sdk.js' },
  { name: '@aws-sdk/client-iam', file: 'iam-sdk.js' },
  { name: '@aws-sdk/client-sts', file: 'sts-sdk.js' },
];
/** docs/design.md section 12. */
const MAX_BUNDLE_BYTES = 1.5 * 1024 * 1024;

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgn-doctor-bundle-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

let assetDir: string;

beforeAll(() => {
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new DoctorStack(app, 'Bundled', {
    config: loadStackConfig(app),
    env: { account: ACCOUNT, region: REGION },
  });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  const fn = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::Function');
  const hash = fn?.Properties.Code?.S3Key?.replace(/\.zip$/, '');
  assetDir = path.join(outdir, `asset.${hash}`);
}, 90_000);

const sourcesOf = (file: string): string[] =>
  (JSON.parse(fs.readFileSync(path.join(assetDir, `${file}.map`), 'utf8')) as { sources: string[] }).sources;

test('the handler bundles into index.js with a source map, and each lazy module into its own file', () => {
  expect(fs.existsSync(path.join(assetDir, 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);
  for (const module of DOCTOR_BUNDLING.lazyModules) expect(fs.existsSync(path.join(assetDir, module.file))).toBe(true);
});

test('every SDK client the doctor calls is in the asset; index.js fits 1.5 MB', () => {
  for (const { name, file } of CLIENTS) {
    expect({ name, bundled: sourcesOf(file).some((source) => source.includes(`node_modules/${name}/`)) }).toEqual({
      name,
      bundled: true,
    });
  }
  // EC2's ~850 KB of schemas stay out of index.js: it would parse them at every cold start (IAM's and STS's too).
  expect(
    sourcesOf('index.js').filter((source) => /node_modules\/@aws-sdk\/client-(ec2|iam|sts)\//.test(source)),
  ).toEqual([]);
  expect(fs.statSync(path.join(assetDir, 'index.js')).size).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
});

test('the in-memory ports stay out of the bundle: the handler wires only the AWS adapters', () => {
  const map = JSON.parse(fs.readFileSync(path.join(assetDir, 'index.js.map'), 'utf8')) as { sources: string[] };
  const adapters = map.sources.filter((source) => source.includes('lambdas/adapters/'));

  expect(adapters).toEqual(expect.arrayContaining([expect.stringContaining('mgn-source-server-repository.ts')]));
  expect(adapters.filter((source) => source.includes('lambdas/adapters/in-memory/'))).toEqual([]);
});

/**
 * Required only inside a try, for SigV4a (signing region `*`: S3 multi-region access points); none of the doctor's
 * services signs that way, and the SDK throws a clear error if one did.
 */
const OPTIONAL_REQUIRES = ['@aws-sdk/signature-v4-crt'];

test('index.js requires nothing at run time but Node built-ins and the lazy modules beside it', () => {
  const required = new Set(
    [...fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map(
      (match) => match[1] as string,
    ),
  );
  const builtins = new Set(builtinModules);
  const outside = [...required].filter(
    (name) =>
      !builtins.has(name.replace(/^node:/, '')) &&
      !OPTIONAL_REQUIRES.includes(name) &&
      !DOCTOR_BUNDLING.lazyModules.some((module) => module.importPath === name),
  );
  expect(outside).toEqual([]);
});

test("the benchmark's bundle is the deployed asset, byte for byte", async () => {
  // Act
  const bench = await buildBundle(path.join(outdir, 'bench'));

  // Assert
  for (const file of ['index.js', ...DOCTOR_BUNDLING.lazyModules.map((module) => module.file)]) {
    expect({
      file,
      same: fs.readFileSync(path.join(bench.dir, file)).equals(fs.readFileSync(path.join(assetDir, file))),
    }).toEqual({
      file,
      same: true,
    });
  }
}, 60_000);

describe('lazy module commands (NodejsFunction afterBundling)', () => {
  test("run the project esbuild with the main bundle's arguments; paths with spaces and quotes stay one word", () => {
    // Act
    const commands = lazyModuleCommands(DOCTOR_BUNDLING, "/work/it's here", '/out $dir');

    // Assert: what bash makes of each command's words
    const words = commands.map((command) =>
      execFileSync('bash', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { encoding: 'utf8' })
        .split('\0')
        .slice(0, -1),
    );
    expect(words).toEqual(
      DOCTOR_BUNDLING.lazyModules.map((module) => [
        'npx',
        '--no-install',
        'esbuild',
        ...esbuildArguments(DOCTOR_BUNDLING, `/work/it's here/${module.entry}`, `/out $dir/${module.file}`),
      ]),
    );
  });
});
