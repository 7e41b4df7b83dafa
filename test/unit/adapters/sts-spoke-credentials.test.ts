import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  REFRESH_BEFORE_EXPIRY_MS,
  SESSION_SECONDS,
  StsSpokeCredentials,
  sessionNameFor,
} from '../../../lambdas/adapters/sts-spoke-credentials';
import { spokeRoleName } from '../../../lambdas/shared/program';

const stsMock = mockClient(STSClient);
const MEMBER = '444455556666';
const OTHER = '777788889999';
const NOW = Date.parse('2026-12-07T10:00:00.000Z');

const issued = (accessKeyId: string, expiresAt: number) => ({
  Credentials: {
    AccessKeyId: accessKeyId,
    SecretAccessKey: `secret-${accessKeyId}`,
    SessionToken: `token-${accessKeyId}`,
    Expiration: new Date(expiresAt),
  },
});

const denied = () =>
  new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::111122223333:assumed-role/MgnReplicationDoctorHub-eu-west-1/fn is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${OTHER}:role/MgnReplicationDoctorSpoke-eu-west-1`,
  });

let clock = NOW;
const spokes = () => {
  const sts = new STSClient({ region: 'eu-west-1' });
  return new StsSpokeCredentials(() => sts, {
    partition: 'aws',
    roleName: spokeRoleName('eu-west-1'),
    now: () => new Date(clock),
  });
};

beforeEach(() => {
  stsMock.reset();
  clock = NOW;
});

describe('StsSpokeCredentials', () => {
  it('assumes the spoke role in the member account, for an hour, naming the run', async () => {
    // Arrange
    stsMock.on(AssumeRoleCommand).resolves(issued('ASIAMEMBER', NOW + SESSION_SECONDS * 1000));

    // Act
    const credentials = await spokes().providerFor(MEMBER, 'a1b2c3d4-program-run')();

    // Assert
    expect(credentials).toEqual({
      accessKeyId: 'ASIAMEMBER',
      secretAccessKey: 'secret-ASIAMEMBER',
      sessionToken: 'token-ASIAMEMBER',
      expiration: new Date(NOW + SESSION_SECONDS * 1000),
    });
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER}:role/MgnReplicationDoctorSpoke-eu-west-1`,
      RoleSessionName: 'mgn-doctor-a1b2c3d4-program-run',
      DurationSeconds: 3600,
    });
  });

  it("shares one AssumeRole among an account's clients, also while it is in flight; one per account", async () => {
    // Arrange
    stsMock
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${MEMBER}:role/MgnReplicationDoctorSpoke-eu-west-1` })
      .resolves(issued('ASIAMEMBER', NOW + 3_600_000))
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${OTHER}:role/MgnReplicationDoctorSpoke-eu-west-1` })
      .resolves(issued('ASIAOTHER', NOW + 3_600_000));
    const credentials = spokes();

    // Act: SSM, EC2 and IAM of MEMBER at once, then later, and OTHER's
    const [ssm, ec2] = await Promise.all([
      credentials.providerFor(MEMBER, 'run-1')(),
      credentials.providerFor(MEMBER, 'run-1')(),
    ]);
    clock += 50 * 60_000;
    const iam = await credentials.providerFor(MEMBER, 'run-1')();
    const other = await credentials.providerFor(OTHER, 'run-1')();

    // Assert
    expect([ssm, ec2, iam].map((found) => found.accessKeyId)).toEqual(['ASIAMEMBER', 'ASIAMEMBER', 'ASIAMEMBER']);
    expect(other.accessKeyId).toBe('ASIAOTHER');
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('asks again shortly before they expire, and for another run', async () => {
    // Arrange
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce(issued('ASIAFIRST', NOW + 3_600_000))
      .resolvesOnce(issued('ASIASECOND', NOW + 7_200_000))
      .resolves(issued('ASIATHIRD', NOW + 7_200_000));
    const credentials = spokes();

    // Act
    const first = await credentials.providerFor(MEMBER, 'run-1')();
    clock = NOW + 3_600_000 - REFRESH_BEFORE_EXPIRY_MS - 1;
    const stillFirst = await credentials.providerFor(MEMBER, 'run-1')();
    clock += 1;
    const second = await credentials.providerFor(MEMBER, 'run-1')();
    const nextRun = await credentials.providerFor(MEMBER, 'run-2')();

    // Assert
    expect([first, stillFirst, second, nextRun].map((found) => found.accessKeyId)).toEqual([
      'ASIAFIRST',
      'ASIAFIRST',
      'ASIASECOND',
      'ASIATHIRD',
    ]);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleSessionName)).toEqual([
      'mgn-doctor-run-1',
      'mgn-doctor-run-1',
      'mgn-doctor-run-2',
    ]);
  });

  it("lets STS's refusal through and keeps no refusal: the next call asks again", async () => {
    // Arrange
    stsMock
      .on(AssumeRoleCommand)
      .rejectsOnce(denied())
      .resolves(issued('ASIALATER', NOW + 3_600_000));
    const credentials = spokes();

    // Act / Assert
    await expect(credentials.credentialsFor(OTHER, 'run-1')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(credentials.credentialsFor(OTHER, 'run-1')).resolves.toMatchObject({ accessKeyId: 'ASIALATER' });
  });

  it('refuses an answer without credentials, naming the role', async () => {
    // Arrange
    stsMock.on(AssumeRoleCommand).resolves({});

    // Act / Assert
    await expect(spokes().credentialsFor(MEMBER, 'run-1')).rejects.toThrow(
      `AssumeRole of arn:aws:iam::${MEMBER}:role/MgnReplicationDoctorSpoke-eu-west-1 returned no credentials`,
    );
  });
});

describe('sessionNameFor', () => {
  it('keeps what STS accepts, replaces the rest, and stops at 64 characters', () => {
    expect(sessionNameFor('a1b2c3d4')).toBe('mgn-doctor-a1b2c3d4');
    expect(sessionNameFor('run:2026/12/07 10:00')).toBe('mgn-doctor-run-2026-12-07-10-00');
    expect(sessionNameFor('x'.repeat(80))).toHaveLength(64);
    expect(sessionNameFor('x'.repeat(80))).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
