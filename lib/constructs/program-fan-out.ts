import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type {
  AccountRunResult,
  ListAccountsEvent,
  PublishProgramDigestEvent,
  RunAccountEvent,
} from '../../lambdas/shared/program';

/**
 * Longest a program may run before Step Functions stops it: a guard against an execution that never ends, not a
 * budget. 240 accounts at concurrency 10, every account run at the longest Lambda timeout (15 minutes), take 6 hours.
 */
export const PROGRAM_TIMEOUT = Duration.hours(6);

/** Lambda's own throttling and transient errors, which Step Functions' service-exception retry does not cover. */
const THROTTLED = ['Lambda.TooManyRequestsException'];

export interface ProgramFanOutProps {
  /** The doctor function: each step is one invocation with a ProgramEvent payload (lambdas/shared/program.ts). */
  readonly function: lambda.IFunction;
  /** The Map's MaxConcurrency: accounts treated at once (lib/config.ts). */
  readonly accountConcurrency: number;
  /** Retention of the execution log group. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * A hub's run (docs/design.md section 13): ListAccounts → a Map over the accounts, one doctor invocation each, with
 * bounded concurrency → PublishProgramDigest. One account's failure is that account's result (the Map's Catch), so
 * it never stops the others; the digest step retries with backoff.
 */
export class ProgramFanOut extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ProgramFanOutProps) {
    super(scope, id);
    const runId = sfn.JsonPath.stringAt('$$.Execution.Name');
    const invoke = (stateId: string, payload: sfn.TaskInput, comment: string) =>
      new tasks.LambdaInvoke(this, stateId, {
        lambdaFunction: props.function,
        payload,
        // The function's return value, without the invocation's metadata (StatusCode, ExecutedVersion).
        outputPath: '$.Payload',
        comment,
      }).addRetry({ errors: THROTTLED, interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2 });

    const listAccounts = invoke(
      'ListAccounts',
      sfn.TaskInput.fromObject({ program: 'list-accounts', runId } satisfies Record<keyof ListAccountsEvent, unknown>),
      "The accounts to treat: MGN's managed accounts or the configured list",
    );

    const runAccount = invoke(
      'RunAccount',
      sfn.TaskInput.fromJsonPathAt('$'),
      "One account's doctor run; its report waits in the ledger for the digest",
    );
    // Whatever ended the account's step (a crash, a timeout, retries used up) becomes that account's result.
    const accountFailed = new sfn.Pass(this, 'AccountFailed', {
      comment: 'The account step failed: its error for the digest, and the next account goes on',
      parameters: {
        account: sfn.JsonPath.stringAt('$.account'),
        held: false,
        caught: sfn.JsonPath.objectAt('$.caught'),
      } satisfies Record<keyof Required<Pick<AccountRunResult, 'account' | 'held' | 'caught'>>, unknown>,
    });
    runAccount.addCatch(accountFailed, { errors: [sfn.Errors.ALL], resultPath: '$.caught' });

    const runAccounts = new sfn.Map(this, 'RunAccounts', {
      comment: 'Each account once, at most accountConcurrency at a time',
      itemsPath: '$.accounts',
      itemSelector: {
        program: 'run-account',
        runId,
        account: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
      } satisfies Record<keyof RunAccountEvent, unknown>,
      maxConcurrency: props.accountConcurrency,
      resultPath: '$.results',
    }).itemProcessor(runAccount);

    const publishDigest = invoke(
      'PublishProgramDigest',
      sfn.TaskInput.fromObject({
        program: 'publish-digest',
        runId,
        results: sfn.JsonPath.listAt('$.results'),
      } satisfies Record<keyof PublishProgramDigestEvent, unknown>),
      'One digest for the program, from the held reports of this run',
    ).addRetry({
      // The held reports are keyed by the run, so a repeated step publishes the same digest.
      errors: [sfn.Errors.TASKS_FAILED],
      interval: Duration.seconds(30),
      maxAttempts: 3,
      backoffRate: 2,
    });

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'MGN replication doctor hub: every account of the program, then one digest',
      definitionBody: sfn.DefinitionBody.fromChainable(listAccounts.next(runAccounts).next(publishDigest)),
      timeout: PROGRAM_TIMEOUT,
      tracingEnabled: true,
      // cdk-nag AwsSolutions-SF1: every event. The execution data is account IDs and AWS error messages.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.acknowledgeDefaultPolicy(props.function);
  }

  /** CDK writes the state machine role's policy for its logs, traces and invocations; those are its wildcards. */
  private acknowledgeDefaultPolicy(fn: lambda.IFunction): void {
    const functionId = Stack.of(this).getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (policy === undefined) throw new Error(`${this.node.path}: the state machine role has no default policy`);
    Validations.of(policy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Execution logging to CloudWatch Logs goes through log delivery (logs:CreateLogDelivery and related) and ' +
          'X-Ray tracing through xray:PutTraceSegments, none of which support resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
        reason: "The doctor function's versions and aliases: Step Functions invokes only this one function.",
      },
    );
  }
}
