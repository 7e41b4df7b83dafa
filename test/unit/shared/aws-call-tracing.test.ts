// Per-call X-Ray subsegments only when the stack turns them on; otherwise the X-Ray SDK is never evaluated.
import { awsCallTracing } from '../../../lambdas/shared/aws-call-tracing';
import { ENV } from '../../../lambdas/shared/environment';
import { parseRuntimeConfig } from '../../../lambdas/shared/runtime-config';
import { DEFAULT_SETTINGS, renderSettingsEnvironment } from '../../../lambdas/shared/settings';

const xraySdkLoaded = (): boolean => Object.keys(require.cache).some((file) => file.includes('aws-xray-sdk-core'));

describe('awsCallTracing', () => {
  it('leaves the clients alone, and the X-Ray SDK unloaded, when off', () => {
    jest.isolateModules(() => {
      const { awsCallTracing: isolated } = require('../../../lambdas/shared/aws-call-tracing');
      expect(isolated(false)).toBeUndefined();
    });
    expect(xraySdkLoaded()).toBe(false);
  });

  it('traces every call of each client when on', () => {
    const instrument = awsCallTracing(true);

    const client = { middlewareStack: { remove: jest.fn(), use: jest.fn() }, config: {} };
    expect(instrument).toBeInstanceOf(Function);
    expect(instrument?.(client)).toBe(client);
    expect(xraySdkLoaded()).toBe(true);
  });
});

describe('TRACE_AWS_CALLS', () => {
  const environment = (raw: string) => ({
    ...renderSettingsEnvironment(DEFAULT_SETTINGS),
    [ENV.topicArn]: 'arn:aws:sns:us-east-1:111122223333:doctor',
    [ENV.ledgerTableName]: 'ledger',
    [ENV.restartAgentDocument]: 'Stack-RestartReplicationAgent-ABC',
    [ENV.checkDiskDocument]: 'Stack-CheckDiskSpace-ABC',
    [ENV.checkConnectivityDocument]: 'Stack-CheckConnectivity-ABC',
    [ENV.commandLogGroup]: '/mgn-doctor/commands',
    [ENV.traceAwsCalls]: raw,
  });

  it('reads true and false as the stack writes them, and fails fast, naming the variable, on anything else', () => {
    expect(parseRuntimeConfig(environment('true')).traceAwsCalls).toBe(true);
    expect(parseRuntimeConfig(environment('false')).traceAwsCalls).toBe(false);
    expect(() => parseRuntimeConfig(environment('TRUE'))).toThrow('TRACE_AWS_CALLS');
  });
});
