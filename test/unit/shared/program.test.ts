import { SettingError } from '../../../lambdas/shared/settings';
import {
  hubRoleName,
  parseProgramAccounts,
  renderProgramAccounts,
  roleArn,
  spokeRoleName,
} from '../../../lambdas/shared/program';

describe('parseProgramAccounts', () => {
  it.each([undefined, null, '', [], ' , '])('reads %j as one account (no hub)', (raw) => {
    expect(parseProgramAccounts('accounts', raw)).toEqual({ kind: 'single' });
  });

  it('reads "organization"', () => {
    expect(parseProgramAccounts('accounts', 'organization')).toEqual({ kind: 'organization' });
  });

  it('reads a JSON list and comma-separated text alike, without duplicates', () => {
    const list = { kind: 'list', accounts: ['111122223333', '444455556666'] };
    expect(parseProgramAccounts('accounts', ['111122223333', '444455556666', '111122223333'])).toEqual(list);
    expect(parseProgramAccounts('PROGRAM_ACCOUNTS', ' 111122223333, 444455556666 ')).toEqual(list);
  });

  it.each([
    [['11112222333'], '11112222333'],
    ['111122223333,organization', 'organization'],
    [['1111-2222-3333'], '1111-2222-3333'],
  ])('names the bad account ID in %j', (raw, bad) => {
    expect(() => parseProgramAccounts('accounts', raw)).toThrow(SettingError);
    expect(() => parseProgramAccounts('accounts', raw)).toThrow(`"${bad}" is not one`);
  });

  it('refuses values that are neither a list nor text, naming the key', () => {
    expect(() => parseProgramAccounts('accounts', 42)).toThrow(/^accounts: expected "organization" or a list/);
    expect(() => parseProgramAccounts('accounts', [111122223333])).toThrow(/^accounts: /);
  });

  it('renders what it parses', () => {
    for (const raw of ['', 'organization', '111122223333,444455556666'])
      expect(renderProgramAccounts(parseProgramAccounts('accounts', raw))).toBe(raw);
  });
});

describe('role names', () => {
  it('has one spoke role and one hub role per Region, by ARN', () => {
    expect(spokeRoleName('eu-west-1')).toBe('MgnReplicationDoctorSpoke-eu-west-1');
    expect(roleArn('aws', '111122223333', hubRoleName('eu-west-1'))).toBe(
      'arn:aws:iam::111122223333:role/MgnReplicationDoctorHub-eu-west-1',
    );
  });
});
