// bin/app.ts: one stack per configured Region (or one for the CLI's environment), and a bad context value ends
// the process with the key in stderr and no stack trace.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildApp } from '../../bin/app';
import { fastApp } from './synth';

const ROOT = path.join(__dirname, '..', '..');

describe('buildApp', () => {
  test('without regions: one stack in the CLI’s account and Region', () => {
    const stacks = buildApp(fastApp(), { CDK_DEFAULT_ACCOUNT: '111122223333', CDK_DEFAULT_REGION: 'ap-southeast-2' });
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['MgnReplicationDoctor', '111122223333', 'ap-southeast-2'],
    ]);
  });

  test('with regions: one stack per Region, same account', () => {
    const stacks = buildApp(fastApp({ regions: ['eu-west-1', 'eu-central-1'] }), {
      CDK_DEFAULT_ACCOUNT: '111122223333',
    });
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['MgnReplicationDoctor-eu-west-1', '111122223333', 'eu-west-1'],
      ['MgnReplicationDoctor-eu-central-1', '111122223333', 'eu-central-1'],
    ]);
  });

  test('without regions and without a default Region: an error naming the key, not a TableV2 synth crash', () => {
    expect(() => buildApp(fastApp(), {})).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        key: 'regions',
        message: expect.stringMatching(/^Invalid context "regions"/),
      }),
    );
    expect(buildApp(fastApp({ regions: 'eu-west-1' }), {}).map((s) => s.region)).toEqual(['eu-west-1']);
  });
});

describe('the entry point', () => {
  test('exits 1 on a bad context value, naming the key, without a stack trace', () => {
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      // What the CLI does with `-c maxAttempts=abc`.
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ maxAttempts: 'abc' }) },
    });

    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid context "maxAttempts": expected a whole number from 1 to 20, got "abc"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  }, 60_000);
});
