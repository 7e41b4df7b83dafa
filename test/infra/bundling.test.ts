// The one infra suite that bundles for real (local esbuild, as `cdk synth` does): the handler entry bundles,
// with a source map, the SDK clients the Node 24 runtime ships stay external, and the bundle fits its budget.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadStackConfig } from '../../lib/config';
import { DoctorStack } from '../../lib/doctor-stack';
import { ACCOUNT, REGION } from './synth';

const RUNTIME_PROVIDED = [
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-iam',
  '@aws-sdk/client-ssm',
  '@aws-sdk/client-sns',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
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
}, 60_000);

test('the handler bundles into index.js with a source map', () => {
  expect(fs.existsSync(path.join(assetDir, 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);
});

test('SDK clients the runtime provides stay external; the bundle fits 1.5 MB', () => {
  const map = JSON.parse(fs.readFileSync(path.join(assetDir, 'index.js.map'), 'utf8')) as { sources: string[] };
  const inlined = map.sources.filter((source) =>
    RUNTIME_PROVIDED.some((name) => source.includes(`node_modules/${name}/`)),
  );
  expect(inlined).toEqual([]);
  expect(fs.statSync(path.join(assetDir, 'index.js')).size).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
});

test('the in-memory ports stay out of the bundle: the handler wires only the AWS adapters', () => {
  const map = JSON.parse(fs.readFileSync(path.join(assetDir, 'index.js.map'), 'utf8')) as { sources: string[] };
  const adapters = map.sources.filter((source) => source.includes('lambdas/adapters/'));

  expect(adapters).toEqual(expect.arrayContaining([expect.stringContaining('mgn-source-server-repository.ts')]));
  expect(adapters.filter((source) => source.includes('lambdas/adapters/in-memory/'))).toEqual([]);
});
