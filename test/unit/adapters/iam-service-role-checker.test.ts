import { GetRoleCommand, IAMClient, NoSuchEntityException, type GetRoleCommandInput } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { IamServiceRoleChecker } from '../../../lambdas/adapters/iam-service-role-checker';
import { MGN_SERVICE_ROLES } from '../../../lambdas/shared/mgn-service-roles';
import { startLocalHttpServer, type LocalHttpServer } from '../../support/local-http';

// The instance, not the class: the real-HTTP tests below need an IAMClient whose `send` is the SDK's own.
const mockedIam = new IAMClient({});
const iamMock = mockClient(mockedIam);

const ROLE_NAMES = [
  'AWSServiceRoleForApplicationMigrationService',
  'AWSApplicationMigrationReplicationServerRole',
  'AWSApplicationMigrationConversionServerRole',
  'AWSApplicationMigrationMGHRole',
  'AWSApplicationMigrationLaunchInstanceWithDrsRole',
  'AWSApplicationMigrationLaunchInstanceWithSsmRole',
  'AWSApplicationMigrationAgentRole',
];

const noSuchEntity = (roleName: string) =>
  new NoSuchEntityException({
    message: `The role with name ${roleName} cannot be found.`,
    $metadata: { httpStatusCode: 404 },
  });

/** GetRole over an account that has every MGN role except `missing`. */
function serveRolesExcept(...missing: string[]): void {
  iamMock.on(GetRoleCommand).callsFake(async (input: GetRoleCommandInput) => {
    const name = input.RoleName ?? '';
    if (missing.includes(name)) throw noSuchEntity(name);
    const path = MGN_SERVICE_ROLES.find((role) => role.name === name)?.path ?? '/';
    return {
      Role: {
        RoleName: name,
        Path: path,
        RoleId: 'AROAEXAMPLEEXAMPLE01',
        Arn: `arn:aws:iam::123456789012:role${path}${name}`,
        CreateDate: new Date(0),
      },
    };
  });
}

beforeEach(() => iamMock.reset());

describe('MGN_SERVICE_ROLES', () => {
  it('names the seven roles MGN creates at initialisation, service roles under /service-role/, the SLR under /aws-service-role/mgn.amazonaws.com/', () => {
    expect(MGN_SERVICE_ROLES.map((role) => role.name)).toEqual(ROLE_NAMES);
    expect(MGN_SERVICE_ROLES[0]).toEqual({
      name: 'AWSServiceRoleForApplicationMigrationService',
      path: '/aws-service-role/mgn.amazonaws.com/',
    });
    for (const role of MGN_SERVICE_ROLES.slice(1)) expect(role.path).toBe('/service-role/');
    expect(Object.isFrozen(MGN_SERVICE_ROLES)).toBe(true);
  });
});

describe('IamServiceRoleChecker.findMissingRoles', () => {
  it('all roles there: nothing missing, one GetRole per role', async () => {
    // Arrange
    serveRolesExcept();
    const checker = new IamServiceRoleChecker(() => mockedIam);

    // Act
    const missing = await checker.findMissingRoles();

    // Assert
    expect(missing).toEqual([]);
    expect(iamMock).toHaveReceivedCommandTimes(GetRoleCommand, ROLE_NAMES.length);
    for (const roleName of ROLE_NAMES)
      expect(iamMock).toHaveReceivedCommandWith(GetRoleCommand, { RoleName: roleName });
  });

  it('a deleted role is reported; the roles that are there are not', async () => {
    // Arrange
    serveRolesExcept('AWSApplicationMigrationReplicationServerRole');
    const checker = new IamServiceRoleChecker(() => mockedIam);

    // Act
    const missing = await checker.findMissingRoles();

    // Assert
    expect(missing).toEqual(['AWSApplicationMigrationReplicationServerRole']);
  });

  it('several missing roles, in the order of MGN_SERVICE_ROLES whatever order IAM answers in', async () => {
    // Arrange: the later role's answer arrives first
    iamMock.on(GetRoleCommand).callsFake(async (input: GetRoleCommandInput) => {
      const name = input.RoleName ?? '';
      if (name === 'AWSApplicationMigrationAgentRole') throw noSuchEntity(name);
      if (name === 'AWSServiceRoleForApplicationMigrationService') {
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw noSuchEntity(name);
      }
      return {
        Role: {
          RoleName: name,
          Path: '/service-role/',
          RoleId: 'AROAEXAMPLEEXAMPLE01',
          Arn: `arn:aws:iam::123456789012:role/service-role/${name}`,
          CreateDate: new Date(0),
        },
      };
    });
    const checker = new IamServiceRoleChecker(() => mockedIam);

    // Act
    const missing = await checker.findMissingRoles();

    // Assert
    expect(missing).toEqual(['AWSServiceRoleForApplicationMigrationService', 'AWSApplicationMigrationAgentRole']);
  });

  it('asks for every role at once, not one after another', async () => {
    // Arrange
    let inFlight = 0;
    let mostInFlight = 0;
    iamMock.on(GetRoleCommand).callsFake(async (input: GetRoleCommandInput) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return {
        Role: {
          RoleName: input.RoleName,
          Path: '/service-role/',
          RoleId: 'AROAEXAMPLEEXAMPLE01',
          Arn: 'arn:aws:iam::123456789012:role/x',
          CreateDate: new Date(0),
        },
      };
    });
    const checker = new IamServiceRoleChecker(() => mockedIam);

    // Act
    await checker.findMissingRoles();

    // Assert
    expect(mostInFlight).toBe(ROLE_NAMES.length);
  });

  it('AccessDenied propagates: "could not check" never reads as "all present"', async () => {
    // Arrange
    iamMock
      .on(GetRoleCommand)
      .resolves({})
      .on(GetRoleCommand, { RoleName: 'AWSApplicationMigrationMGHRole' })
      .rejects(
        Object.assign(
          new Error('User: arn:aws:sts::123456789012:assumed-role/doctor/fn is not authorized to perform: iam:GetRole'),
          {
            name: 'AccessDenied',
          },
        ),
      );
    const checker = new IamServiceRoleChecker(() => mockedIam);

    // Act / Assert
    await expect(checker.findMissingRoles()).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('an error other than NoSuchEntity propagates even when another role is missing', async () => {
    // Arrange
    iamMock
      .on(GetRoleCommand)
      .rejects(noSuchEntity('AWSApplicationMigrationAgentRole'))
      .on(GetRoleCommand, { RoleName: 'AWSApplicationMigrationConversionServerRole' })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const checker = new IamServiceRoleChecker(() => mockedIam);

    // Act / Assert
    await expect(checker.findMissingRoles()).rejects.toMatchObject({ name: 'Throttling' });
  });
});

describe('over real HTTP (the SDK’s IAM query-protocol error parsing)', () => {
  let server: LocalHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const xml = (status: number, body: string) => ({ status, headers: { 'content-type': 'text/xml' }, body });
  const roleFound = (name: string) =>
    xml(
      200,
      '<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>' +
        `<Path>/service-role/</Path><RoleName>${name}</RoleName><RoleId>AROAEXAMPLEEXAMPLE01</RoleId>` +
        `<Arn>arn:aws:iam::123456789012:role/service-role/${name}</Arn><CreateDate>2026-01-05T10:00:00Z</CreateDate>` +
        '</Role></GetRoleResult><ResponseMetadata><RequestId>4a1c2f3e-example</RequestId></ResponseMetadata></GetRoleResponse>',
    );
  const iamError = (status: number, code: string, message: string) =>
    xml(
      status,
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
        `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>7b2d-example</RequestId></ErrorResponse>`,
    );
  const localIam = (url: string) =>
    new IAMClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });

  it('recognises IAM’s NoSuchEntity (HTTP 404) as a missing role', async () => {
    // Arrange
    server = await startLocalHttpServer((request) => {
      const name = new URLSearchParams(request.body).get('RoleName') ?? '';
      return name === 'AWSApplicationMigrationLaunchInstanceWithSsmRole'
        ? iamError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`)
        : roleFound(name);
    });

    // Act
    const iam = localIam(server.url);
    const missing = await new IamServiceRoleChecker(() => iam).findMissingRoles();

    // Assert
    expect(missing).toEqual(['AWSApplicationMigrationLaunchInstanceWithSsmRole']);
    const asked = server.requests.map((request) => Object.fromEntries(new URLSearchParams(request.body)));
    expect(asked.map((params) => params.Action)).toEqual(ROLE_NAMES.map(() => 'GetRole'));
    expect(asked.map((params) => params.RoleName).sort()).toEqual([...ROLE_NAMES].sort());
  });

  it('lets IAM’s AccessDenied (HTTP 403) propagate', async () => {
    // Arrange
    server = await startLocalHttpServer(() =>
      iamError(403, 'AccessDenied', 'User is not authorized to perform: iam:GetRole'),
    );

    // Act / Assert
    const iam = localIam(server.url);
    await expect(new IamServiceRoleChecker(() => iam).findMissingRoles()).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});
