import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DOCUMENT_ROLES, DOCUMENTS } from '../../lambdas/shared/documents';
import type { DocumentRole } from '../../lambdas/core/model';
import { ENV, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/environment';
import { MGN_SERVICE_ROLES } from '../../lambdas/shared/mgn-service-roles';
import { renderSettingsEnvironment, type DoctorSettings } from '../../lambdas/shared/settings';

/** Lambda's hard limit. */
const MAX_TIMEOUT_SECONDS = 900;
/** Time a run needs besides waiting for command results: listing, sending, the ledger and the digest. */
const RUN_OVERHEAD_SECONDS = 120;

export interface DoctorFunctionProps {
  /** Runtime settings, handed over as environment variables. */
  readonly settings: DoctorSettings;
  /** ARN of the notification topic. */
  readonly topicArn: string;
  /** Name of the remediation ledger table. */
  readonly ledgerTableName: string;
  /** SSM document names, by role. */
  readonly documentNames: Readonly<Record<DocumentRole, string>>;
  /** SSM document ARNs, by role: the only documents the function may send. */
  readonly documentArns: Readonly<Record<DocumentRole, string>>;
  /** Log group Run Command writes the documents' output to. */
  readonly commandLogGroupName: string;
  /**
   * Reserved concurrency; 0 = none.
   * @default 1
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The doctor Lambda (one run = one pass of list → classify → act → verify → report), its role with the MGN,
 * Run Command and diagnosis (EC2 DescribeInstances, IAM GetRole on MGN's roles) permissions it needs and no
 * more, its log group, and the dead-letter queue for failed asynchronous invocations.
 */
export class DoctorFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;
  /** Its execution role. */
  public readonly role: iam.Role;
  /** Its log group. */
  public readonly logGroup: logs.LogGroup;
  /** Where failed asynchronous invocations (and undeliverable EventBridge events) end up. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DoctorFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Pseudo parameters rather than the stack's Region/account: the same policy text (and the same cdk-nag
    // finding IDs acknowledged below) whether or not the stack is bound to an environment.
    const arn = (service: string, resource: string) =>
      stack.formatArn({ service, resource, resourceName: '*', region: Aws.REGION, account: Aws.ACCOUNT_ID });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the doctor function and of its EventBridge targets.',
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // An explicit role: with its own log group the function needs no AWSLambdaBasicExecutionRole (which
    // would allow writing to every log group in the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the MGN replication doctor',
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(__dirname, '..', '..', 'lambdas', 'handlers', 'run-doctor.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // The run waits up to resultWaitSeconds for command results (collect step); the rest of a run fits in
      // RUN_OVERHEAD_SECONDS. The setting is capped so that the sum stays within Lambda's 15 minutes.
      timeout: Duration.seconds(Math.min(props.settings.resultWaitSeconds + RUN_OVERHEAD_SECONDS, MAX_TIMEOUT_SECONDS)),
      reservedConcurrentExecutions: props.reservedConcurrency === 0 ? undefined : (props.reservedConcurrency ?? 1),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      description: 'MGN replication doctor: finds stalled or disconnected replication, repairs, verifies, reports',
      bundling: {
        minify: true,
        sourceMap: true,
        // File and line in stack traces without the sources' text: ~8 MB less memory and a faster cold start.
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.CJS,
        // The Node 24 runtime ships SDK v3 clients for these; @aws-sdk/client-mgn is bundled because the project
        // pins it to 3.523.0 (the only version in the registry), whose API it is tested against.
        externalModules: [
          '@aws-sdk/client-ec2',
          '@aws-sdk/client-iam',
          '@aws-sdk/client-ssm',
          '@aws-sdk/client-sns',
          '@aws-sdk/client-dynamodb',
          '@aws-sdk/lib-dynamodb',
        ],
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        [ENV.topicArn]: props.topicArn,
        [ENV.ledgerTableName]: props.ledgerTableName,
        ...Object.fromEntries(
          DOCUMENT_ROLES.map((role) => [DOCUMENTS[role].environmentName, props.documentNames[role]]),
        ),
        [ENV.commandLogGroup]: props.commandLogGroupName,
        ...renderSettingsEnvironment(props.settings),
      },
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) support no ' +
        'resource-level permissions.',
    });

    const sourceServers = arn('mgn', 'source-server');
    const mgnPolicy = new iam.Policy(this, 'MgnAccess', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ListSourceServers',
          actions: ['mgn:DescribeSourceServers'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'TreatSourceServers',
          actions: ['mgn:GetReplicationConfiguration', 'mgn:RetryDataReplication'],
          resources: [sourceServers],
        }),
      ],
    });
    Validations.of(mgnPolicy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'mgn:DescribeSourceServers is a List action without resource-level permissions ' +
          '(Service Authorization Reference).',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:mgn:<AWS::Region>:<AWS::AccountId>:source-server/*]',
        reason:
          'The doctor treats whichever source server is stalled; the wildcard is limited to source servers ' +
          'of this account and Region.',
      },
    );

    const runCommandPolicy = new iam.Policy(this, 'RunCommandAccess', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'SendStackDocuments',
          actions: ['ssm:SendCommand'],
          resources: [...Object.values(props.documentArns), arn('ec2', 'instance'), arn('ssm', 'managed-instance')],
        }),
        new iam.PolicyStatement({
          sid: 'ReadNodesAndResults',
          actions: ['ssm:DescribeInstanceInformation', 'ssm:ListCommandInvocations'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(runCommandPolicy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ssm:DescribeInstanceInformation and ssm:ListCommandInvocations support no resource-level permissions.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
        reason:
          'Targets are the EC2 hosts of stalled source servers, known only at run time; SendCommand stays ' +
          'limited to the three documents of this stack.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:managed-instance/*]',
        reason:
          'Targets are the hybrid (mi-) nodes of stalled source servers, known only at run time; SendCommand ' +
          'stays limited to the three documents of this stack.',
      },
    );

    // Diagnosis: the replication server's private IP (for the port-1500 check) and MGN's own IAM roles.
    const diagnosisPolicy = new iam.Policy(this, 'DiagnosisAccess', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'FindReplicationServers',
          actions: ['ec2:DescribeInstances'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'CheckMgnServiceRoles',
          actions: ['iam:GetRole'],
          // Exact ARNs, with the path MGN's console uses and without one: roles created through the API as the
          // MGN guide shows have no path, and a role name is unique in an account whatever its path.
          resources: MGN_SERVICE_ROLES.flatMap(({ name, path: rolePath }) =>
            [...new Set([rolePath, '/'])].map(
              (prefix) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role${prefix}${name}`,
            ),
          ),
        }),
      ],
    });
    Validations.of(diagnosisPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeInstances is a List action without resource-level permissions (Service Authorization ' +
        'Reference); it reads instance metadata only.',
    });

    // The policies are separate resources: don't let a trigger invoke the function before they are attached.
    this.function.node.addDependency(mgnPolicy, runCommandPolicy, diagnosisPolicy);
  }
}
