// Per-call X-Ray subsegments only when the stack turns them on; otherwise the X-Ray SDK is never evaluated.
import { awsCallTracing } from '../../../lambdas/shared/aws-call-tracing';

const xraySdkLoaded = (): boolean => Object.keys(require.cache).some((file) => file.includes('aws-xray-sdk-core'));

describe('awsCallTracing', () => {
  it.each([{}, { TRACE_AWS_CALLS: 'false' }, { TRACE_AWS_CALLS: 'TRUE' }])(
    'leaves the clients alone, and the X-Ray SDK unloaded, for %j',
    (env) => {
      jest.isolateModules(() => {
        const { awsCallTracing: isolated } = require('../../../lambdas/shared/aws-call-tracing');
        expect(isolated(env)).toBeUndefined();
      });
      expect(xraySdkLoaded()).toBe(false);
    },
  );

  it('traces every call of each client when TRACE_AWS_CALLS=true', () => {
    const instrument = awsCallTracing({ TRACE_AWS_CALLS: 'true' });

    const client = { middlewareStack: { remove: jest.fn(), use: jest.fn() }, config: {} };
    expect(instrument).toBeInstanceOf(Function);
    expect(instrument?.(client)).toBe(client);
    expect(xraySdkLoaded()).toBe(true);
  });
});
