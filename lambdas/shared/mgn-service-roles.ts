// The IAM roles MGN creates when it is initialised in an account (console: automatically; API: by the
// operator, one CreateRole each). Without them replication servers cannot launch, conversion fails, and MGN
// reports service-side errors such as FAILED_TO_LAUNCH_REPLICATION_SERVER.
// Constants only: the stack imports this file to name the exact role ARNs in its IAM policy without pulling
// Lambda or SDK code into synth, and the Lambda bundle never pulls in aws-cdk-lib.
//
// Sources (MGN User Guide): "Initializing AWS MGN via the console" (the seven role names),
// "Initializing AWS Application Migration Service with the API" (the six service roles and their trusted
// entities), "Using service-linked roles" (the service-linked role; its policy passes
// role/service-role/AWSApplicationMigrationReplicationServerRole and …ConversionServerRole). Service-linked
// roles always live under /aws-service-role/<service principal>/.

export interface MgnServiceRole {
  /** Role name, as GetRole takes it. */
  readonly name: string;
  /** IAM path, with leading and trailing slash: the role's ARN is `arn:<partition>:iam::<account>:role<path><name>`. */
  readonly path: string;
}

const SERVICE_ROLE_PATH = '/service-role/';

export const MGN_SERVICE_ROLES: readonly MgnServiceRole[] = Object.freeze(
  [
    { name: 'AWSServiceRoleForApplicationMigrationService', path: '/aws-service-role/mgn.amazonaws.com/' },
    { name: 'AWSApplicationMigrationReplicationServerRole', path: SERVICE_ROLE_PATH },
    { name: 'AWSApplicationMigrationConversionServerRole', path: SERVICE_ROLE_PATH },
    { name: 'AWSApplicationMigrationMGHRole', path: SERVICE_ROLE_PATH },
    { name: 'AWSApplicationMigrationLaunchInstanceWithDrsRole', path: SERVICE_ROLE_PATH },
    { name: 'AWSApplicationMigrationLaunchInstanceWithSsmRole', path: SERVICE_ROLE_PATH },
    { name: 'AWSApplicationMigrationAgentRole', path: SERVICE_ROLE_PATH },
  ].map((role) => Object.freeze(role)),
);
