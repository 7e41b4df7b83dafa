import { AccountRunError, describeAccountFailure } from '../../../../lambdas/core/program/account-failure';

const context = { account: '444455556666', region: 'eu-west-1', spokeRoleName: 'MgnReplicationDoctorSpoke-eu-west-1' };
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('describeAccountFailure', () => {
  it('says to deploy the spoke when the role cannot be assumed, with STS own words', () => {
    const line = describeAccountFailure(awsError('AccessDenied', 'not authorized to perform: sts:AssumeRole'), context);
    expect(line).toBe(
      'Account 444455556666: the hub may not assume MgnReplicationDoctorSpoke-eu-west-1 there: deploy the spoke stack ' +
        '(MgnReplicationDoctorSpoke) to this account and Region (AccessDenied: not authorized to perform: sts:AssumeRole)',
    );
  });

  it.each([
    ['UninitializedAccountException', 'not initialized in eu-west-1'],
    ['InvalidDocument', 'redeploy the spoke stack'],
    ['ThrottlingException', 'the next run tries again'],
    ['AccessDeniedException', 'trusted access'],
  ])('advises on %s', (name, advice) => {
    expect(describeAccountFailure(awsError(name, 'x'), context)).toContain(advice);
  });

  it('keeps an unknown error as AWS said it, naming the account', () => {
    expect(describeAccountFailure(awsError('InternalServerException', 'boom'), context)).toBe(
      'Account 444455556666: InternalServerException: boom',
    );
    expect(describeAccountFailure('a string', context)).toBe('Account 444455556666: a string');
  });

  it('keeps the line of an AccountRunError', () => {
    const error = new AccountRunError('444455556666', 'Account 444455556666: custom');
    expect(describeAccountFailure(error, context)).toBe('Account 444455556666: custom');
  });
});
