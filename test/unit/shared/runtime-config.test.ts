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

/** Read only when PROGRAM_ACCOUNTS is set: a single-account environment has none of them. */
const HUB_ONLY: readonly string[] = [ENV.programAccounts, ENV.spokeRoleName, ENV.spokeDocumentNames];

const SPOKE_DOCUMENTS = {
  RestartReplicationAgent: `MgnReplicationDoctorSpoke-RestartReplicationAgent-${'a'.repeat(64)}`,
  CheckDiskSpace: `MgnReplicationDoctorSpoke-CheckDiskSpace-${'b'.repeat(64)}`,
  CheckConnectivity: `MgnReplicationDoctorSpoke-CheckConnectivity-${'c'.repeat(64)}`,
};

const hub = (): Record<string, string> => ({
  ...complete(),
  [ENV.programAccounts]: '444455556666,777788889999',
  [ENV.spokeRoleName]: 'MgnReplicationDoctorSpoke-eu-west-1',
  [ENV.spokeDocumentNames]: JSON.stringify(SPOKE_DOCUMENTS),
});

describe('parseRuntimeConfig', () => {
  it('reads back exactly what the stack writes', () => {
    const config = parseRuntimeConfig(complete());
    expect(config.settings).toEqual(DEFAULT_SETTINGS);
    expect(config.documentNames.CheckDiskSpace).toBe('Stack-CheckDiskSpace-ABC');
    expect(Object.isFrozen(config.settings)).toBe(true);
  });

  it.each(Object.values(ENV).filter((name) => !HUB_ONLY.includes(name)))(
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

describe('parseRuntimeConfig for a hub', () => {
  it('is no hub without PROGRAM_ACCOUNTS, or with it empty, whatever else is set', () => {
    expect(parseRuntimeConfig(complete()).hub).toBeUndefined();
    expect(parseRuntimeConfig({ ...complete(), [ENV.programAccounts]: '' }).hub).toBeUndefined();
    expect(
      parseRuntimeConfig({ ...complete(), [ENV.programAccounts]: ' ', [ENV.spokeDocumentNames]: 'not json' }).hub,
    ).toBeUndefined();
  });

  it('reads back what a hub stack writes: the accounts, the spoke role and its documents', () => {
    expect(parseRuntimeConfig(hub()).hub).toEqual({
      accounts: { kind: 'list', accounts: ['444455556666', '777788889999'] },
      spokeRoleName: 'MgnReplicationDoctorSpoke-eu-west-1',
      spokeDocumentNames: SPOKE_DOCUMENTS,
    });
    expect(parseRuntimeConfig({ ...hub(), [ENV.programAccounts]: 'organization' }).hub?.accounts).toEqual({
      kind: 'organization',
    });
  });

  it.each([ENV.spokeRoleName, ENV.spokeDocumentNames])('fails fast naming %s when a hub lacks it', (name) => {
    const environment = hub();
    delete environment[name];
    expect(() => parseRuntimeConfig(environment)).toThrow(`Environment variable ${name} is missing or empty`);
  });

  it.each([
    [ENV.programAccounts, '4444-5555-6666', '12-digit account IDs, and "4444-5555-6666" is not one'],
    [ENV.spokeRoleName, 'role with spaces', 'expected an IAM role name'],
    [ENV.spokeDocumentNames, '["a"]', 'expected a JSON object of document names by role'],
    [ENV.spokeDocumentNames, '{', 'expected a JSON object of document names by role, got "{"'],
    [
      ENV.spokeDocumentNames,
      JSON.stringify({ ...SPOKE_DOCUMENTS, CheckDiskSpace: undefined }),
      'expected an SSM document name for CheckDiskSpace, got null',
    ],
    [
      ENV.spokeDocumentNames,
      JSON.stringify({ ...SPOKE_DOCUMENTS, CheckConnectivity: 'a b' }),
      'expected an SSM document name for CheckConnectivity, got "a b"',
    ],
    [
      ENV.spokeDocumentNames,
      JSON.stringify({ ...SPOKE_DOCUMENTS, RebootHost: 'Reboot' }),
      'only the roles RestartReplicationAgent, CheckDiskSpace, CheckConnectivity, and "RebootHost" is not one',
    ],
  ])('names %s and what it expected for a bad value', (name, value, expected) => {
    expect(() => parseRuntimeConfig({ ...hub(), [name]: value })).toThrow(`Environment variable ${name}`);
    expect(() => parseRuntimeConfig({ ...hub(), [name]: value })).toThrow(expected);
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
