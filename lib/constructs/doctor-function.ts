import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DOCUMENT_ROLES, DOCUMENTS } from '../../lambdas/shared/documents';
import type { DocumentRole } from '../../lambdas/core/model';
import { ENV, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/environment';
import { renderSettingsEnvironment, type DoctorSettings } from '../../lambdas/shared/settings';
import {
  hubRoleName,
  renderProgramAccounts,
  spokeRoleName,
  type ProgramAccounts,
  type SpokeDocumentNames,
} from '../../lambdas/shared/program';
import { DeadLetterPolicy } from '../iam/dead-letter-policy';
import { FindingEventsPolicy } from '../iam/finding-events-policy';
import { FunctionLogsPolicy } from '../iam/function-logs-policy';
import { LedgerAccessPolicy } from '../iam/ledger-access-policy';
import { MgnAccessPolicy } from '../iam/mgn-access-policy';
import { OpsItemPolicy } from '../iam/ops-item-policy';
import { ReplicationServerLookupPolicy } from '../iam/replication-server-lookup-policy';
import { RunCommandPolicy } from '../iam/run-command-policy';
import { ServiceRoleCheckPolicy } from '../iam/service-role-check-policy';
import { SpokeAccessPolicy } from '../iam/spoke-access-policy';
import { TopicPublishPolicy } from '../iam/topic-publish-policy';
import { TracingPolicy } from '../iam/tracing-policy';
import { DOCTOR_BUNDLING, externalModules, lazyModuleCommands, PROJECT_ROOT } from '../lambda-bundling';

/** Lambda's hard limit. */
const MAX_TIMEOUT_SECONDS = 900;
/** Time a run needs besides waiting for command results: listing, sending, the ledger and the digest. */
const RUN_OVERHEAD_SECONDS = 120;

export interface DoctorFunctionProps {
  /** Runtime settings, handed over as environment variables. */
  readonly settings: DoctorSettings;
  /** The digest's topic, and its key. */
  readonly topic: sns.ITopic;
  readonly topicKey: kms.IKey;
  /** The remediation ledger table, and its key. */
  readonly ledgerTable: dynamodb.ITableV2;
  readonly ledgerKey: kms.IKey;
  /** SSM document names, by role. */
  readonly documentNames: Readonly<Record<DocumentRole, string>>;
  /** SSM document ARNs, by role: the only documents the function may send. */
  readonly documentArns: Readonly<Record<DocumentRole, string>>;
  /** Log group Run Command writes the documents' output to. */
  readonly commandLogGroupName: string;
  /** Memory, MB. */
  readonly memorySize: number;
  /** An X-Ray subsegment per AWS call (Lambda's active tracing records the invocation either way). */
  readonly traceAwsCalls: boolean;
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
  /**
   * Makes the function a hub's (docs/design.md section 13).
   * @default - one account
   */
  readonly program?: ProgramFunctionProps;
}

/** What a hub's function needs beyond one account's. */
export interface ProgramFunctionProps {
  /** `organization` or the account IDs (never `single`). */
  readonly accounts: Exclude<ProgramAccounts, { kind: 'single' }>;
  /** The organization of the hub and its spokes. */
  readonly organizationId: string;
  /** The spokes' document names (spokeDocumentNames), which the hub sends in member accounts. */
  readonly spokeDocumentNames: SpokeDocumentNames;
}

/**
 * The doctor Lambda (one run = one pass of list → classify → act → verify → report), its role with exactly the
 * permissions of lib/iam/ (one policy per service, each with its own cdk-nag acknowledgements), its log group, and
 * the dead-letter queue for failed asynchronous invocations.
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
    this.deadLetterQueue = createDeadLetterQueue(this);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const region = Stack.of(this).region;
    if (props.program && Token.isUnresolved(region)) throw new Error(`${this.node.path}: a hub needs a Region`);
    // An explicit role: with its own log group the function needs no AWSLambdaBasicExecutionRole (which
    // would allow writing to every log group in the account). A hub's has a fixed name, which every spoke's trust
    // policy names.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the MGN replication doctor',
      ...(props.program ? { roleName: hubRoleName(region) } : {}),
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, DOCTOR_BUNDLING.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      // The run waits up to resultWaitSeconds for command results (collect step); the rest of a run fits in
      // RUN_OVERHEAD_SECONDS. The setting is capped so that the sum stays within Lambda's 15 minutes.
      timeout: Duration.seconds(Math.min(props.settings.resultWaitSeconds + RUN_OVERHEAD_SECONDS, MAX_TIMEOUT_SECONDS)),
      reservedConcurrentExecutions: props.reservedConcurrency === 0 ? undefined : (props.reservedConcurrency ?? 1),
      tracing: lambda.Tracing.ACTIVE,
      // The role takes permissions only from the policies below, including the X-Ray and dead-letter grants CDK
      // would otherwise add on its own (to a default policy that every acknowledgement would then cover).
      role: this.role.withoutPolicyUpdates(),
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      description: 'MGN replication doctor: finds stalled or disconnected replication, repairs, verifies, reports',
      // lib/lambda-bundling.ts: the same options build the benchmark's bundle and the Node 24 tests' bundle.
      bundling: {
        minify: DOCTOR_BUNDLING.minify,
        sourceMap: DOCTOR_BUNDLING.sourceMap,
        sourcesContent: DOCTOR_BUNDLING.sourcesContent,
        target: DOCTOR_BUNDLING.target,
        format: OutputFormat.CJS,
        mainFields: [...DOCTOR_BUNDLING.mainFields],
        externalModules: externalModules(DOCTOR_BUNDLING),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => lazyModuleCommands(DOCTOR_BUNDLING, inputDir, outputDir),
        },
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        [ENV.topicArn]: props.topic.topicArn,
        [ENV.ledgerTableName]: props.ledgerTable.tableName,
        ...Object.fromEntries(
          DOCUMENT_ROLES.map((role) => [DOCUMENTS[role].environmentName, props.documentNames[role]]),
        ),
        [ENV.commandLogGroup]: props.commandLogGroupName,
        [ENV.traceAwsCalls]: String(props.traceAwsCalls),
        ...renderSettingsEnvironment(props.settings),
        ...(props.program ? programEnvironment(props.program, region) : {}),
      },
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    // The policies are separate resources: don't let a trigger invoke the function, or Lambda check its failure
    // destination, before they are attached.
    this.function.node.addDependency(...this.attachPolicies(props));
  }

  private attachPolicies(props: DoctorFunctionProps): iam.Policy[] {
    const role = this.role;
    const { settings } = props;
    return [
      new FunctionLogsPolicy(this, 'LogsAccess', { role, logGroup: this.logGroup }),
      new DeadLetterPolicy(this, 'DeadLetterAccess', { role, deadLetterQueue: this.deadLetterQueue }),
      new TracingPolicy(this, 'TracingAccess', { role }),
      new MgnAccessPolicy(this, 'MgnAccess', {
        role,
        retryServiceSideErrors: settings.retryServiceSideErrors,
        globalView: props.program !== undefined,
      }),
      new RunCommandPolicy(this, 'RunCommandAccess', {
        role,
        documentArns: Object.values(props.documentArns),
        requireNodeTag: settings.requireNodeTag,
      }),
      new ReplicationServerLookupPolicy(this, 'ReplicationServerLookup', { role }),
      new ServiceRoleCheckPolicy(this, 'ServiceRoleCheck', { role }),
      new TopicPublishPolicy(this, 'DigestPublish', { role, topic: props.topic, key: props.topicKey }),
      new LedgerAccessPolicy(this, 'LedgerAccess', { role, table: props.ledgerTable, key: props.ledgerKey }),
      ...(settings.findingEvents ? [new FindingEventsPolicy(this, 'FindingEvents', { role })] : []),
      ...(settings.opsItems ? [new OpsItemPolicy(this, 'OpsItems', { role })] : []),
      ...(props.program
        ? [
            new SpokeAccessPolicy(this, 'SpokeAccess', {
              role,
              spokeRoleName: spokeRoleName(Stack.of(this).region),
              organizationId: props.program.organizationId,
            }),
          ]
        : []),
    ];
  }
}

/** The contract's variables (lambdas/shared/environment.ts): accounts, the spoke role, the spokes' documents. */
function programEnvironment(program: ProgramFunctionProps, region: string): Record<string, string> {
  return {
    [ENV.programAccounts]: renderProgramAccounts(program.accounts),
    [ENV.spokeRoleName]: spokeRoleName(region),
    [ENV.spokeDocumentNames]: JSON.stringify(program.spokeDocumentNames),
  };
}

function createDeadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the doctor function and of its EventBridge targets.',
  });
  return queue;
}
