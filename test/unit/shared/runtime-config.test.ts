import { ENV } from '../../../lambdas/shared/environment';
import { parseRuntimeConfig } from '../../../lambdas/shared/runtime-config';
import { DEFAULT_SETTINGS, renderSettingsEnvironment, parseList, parseInteger } from '../../../lambdas/shared/settings';

const complete = (): Record<string, string> => ({
  ...renderSettingsEnvironment(DEFAULT_SETTINGS),
  [ENV.topicArn]: 'arn:aws:sns:us-east-1:111122223333:doctor',
  [ENV.ledgerTableName]: 'ledger',
  [ENV.restartAgentDocument]: 'Stack-RestartReplicationAgent-ABC',
  [ENV.checkDiskDocument]: 'Stack-CheckDiskSpace-ABC',
  [ENV.checkConnectivityDocument]: 'Stack-CheckConnectivity-ABC',
  [ENV.commandLogGroup]: '/mgn-doctor/commands',
  [ENV.traceAwsCalls]: 'false',
});

describe('parseRuntimeConfig', () => {
  it('reads back exactly what the stack writes', () => {
    const config = parseRuntimeConfig(complete());
    expect(config.settings).toEqual(DEFAULT_SETTINGS);
    expect(config.documentNames.CheckDiskSpace).toBe('Stack-CheckDiskSpace-ABC');
    expect(Object.isFrozen(config.settings)).toBe(true);
  });

  // A hub's variables are required only in a hub (docs/design.md section 13).
  const hubOnly: string[] = [ENV.programAccounts, ENV.spokeRoleName, ENV.spokeDocumentNames];
  it.each(Object.values(ENV).filter((name) => !hubOnly.includes(name)))(
    'fails fast naming %s when it is missing',
    (name) => {
      const environment = complete();
      delete environment[name];
      expect(() => parseRuntimeConfig(environment)).toThrow(name);
    },
  );

  it('reads the node-tag guard as off when its variable is empty, and as the key when it holds one', () => {
    expect(parseRuntimeConfig({ ...complete(), [ENV.requireNodeTag]: '' }).settings.requireNodeTag).toBeUndefined();
    expect(
      parseRuntimeConfig({ ...complete(), [ENV.requireNodeTag]: 'mgn-doctor:target' }).settings.requireNodeTag,
    ).toBe('mgn-doctor:target');
    expect(() => parseRuntimeConfig({ ...complete(), [ENV.requireNodeTag]: 'aws:reserved' })).toThrow(
      `Environment variable ${ENV.requireNodeTag}: expected a tag key`,
    );
  });

  it('still calls any other empty variable missing', () => {
    expect(() => parseRuntimeConfig({ ...complete(), [ENV.nodeIdTagKey]: ' ' })).toThrow(
      `Environment variable ${ENV.nodeIdTagKey} is missing or empty`,
    );
  });

  it.each([
    [ENV.maxAttempts, 'three', 'expected a whole number from 1 to 20'],
    [ENV.dryRun, 'yes', 'expected true or false'],
    [ENV.remediateStates, 'STALLED,LAGGING', 'expected a list of STALLED, DISCONNECTED'],
    [ENV.resultWaitSeconds, '900', 'expected a whole number from 0 to 780'],
  ])('names %s and the expected form for a bad value', (name, value, expected) => {
    expect(() => parseRuntimeConfig({ ...complete(), [name]: value })).toThrow(
      `Environment variable ${name}: ${expected}`,
    );
  });
});

describe('setting parsers', () => {
  it('take JSON arrays and comma-separated text alike', () => {
    expect(parseList('k', ['a', ' b '])).toEqual(['a', 'b']);
    expect(parseList('k', 'a, b,,')).toEqual(['a', 'b']);
    expect(parseList('k', '["a","b"]')).toEqual(['a', 'b']);
    expect(() => parseList('k', '[1,2]')).toThrow('k: expected a list of strings');
  });

  it('accept numbers given as strings and reject fractions', () => {
    expect(parseInteger('k', '15', 0, 20)).toBe(15);
    expect(() => parseInteger('k', 1.5, 0, 20)).toThrow('k: expected a whole number from 0 to 20, got 1.5');
  });
});
