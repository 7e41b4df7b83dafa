// A hub (context `accounts`, docs/design.md section 13): the doctor function's fixed role name, the contract's
// environment, the permissions MGN's global view and the spoke roles need, the program's state machine (Map with
// bounded concurrency, a Catch per account, a digest step with retries), the schedule that starts it, the bus policy
// for the members' stall events, its alarm and the per-account dashboard.
import type { Template } from 'aws-cdk-lib/assertions';
import { parseInvocation } from '../../lambdas/core/parse-event';
import { ENV } from '../../lambdas/shared/environment';
import { SPOKE_DOCUMENT_PREFIX, hubRoleName, spokeRoleName } from '../../lambdas/shared/program';
import { MGN_STALL_DETAIL_TYPE } from '../../lib/constructs/doctor-triggers';
import { PROGRAM_TIMEOUT } from '../../lib/constructs/program-fan-out';
import { spokeDocumentNames } from '../../lib/constructs/remediation-documents';
import { ConfigError } from '../../lib/config';
import { ORGANIZATION, REGION, synthSpoke, synthStack } from './synth';

type Json = Record<string, unknown>;

const ACCOUNTS = ['111122223333', '444455556666'];
const hubContext = (extra: Record<string, unknown> = {}) => ({
  accounts: ACCOUNTS,
  organizationId: ORGANIZATION,
  ...extra,
});
const { template } = synthStack(hubContext());

const resourcesOf = (t: Template, type: string) =>
  Object.entries(t.findResources(type)) as [string, { Properties: Json }][];
const only = (t: Template, type: string): [string, Json] => {
  const found = resourcesOf(t, type);
  expect(found).toHaveLength(1);
  const [id, resource] = found[0] as [string, { Properties: Json }];
  return [id, resource.Properties];
};
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function doctorStatements(t: Template): Json[] {
  const roleId = resourcesOf(t, 'AWS::IAM::Role').find(([id]) => id.startsWith('DoctorRole'))?.[0];
  return resourcesOf(t, 'AWS::IAM::Policy')
    .map(([, policy]) => policy.Properties)
    .filter((policy) => JSON.stringify(policy.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.PolicyDocument as { Statement: Json[] }).Statement);
}

/** The state machine's definition, with every CloudFormation reference replaced by a placeholder. */
function definition(t: Template): { States: Record<string, Json> } & Json {
  const [, properties] = only(t, 'AWS::StepFunctions::StateMachine');
  const [, parts] = (properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : '<ref>')).join(''));
}

describe('the doctor function of a hub', () => {
  const fn = () => only(template, 'AWS::Lambda::Function')[1];

  test("its role has the contract's fixed name, which the spokes trust", () => {
    const role = resourcesOf(template, 'AWS::IAM::Role').find(([id]) => id.startsWith('DoctorRole'));
    expect(role?.[1].Properties.RoleName).toBe(hubRoleName(REGION));
    expect(hubRoleName(REGION)).toBe('MgnReplicationDoctorHub-eu-west-1');
  });

  test('the environment carries the accounts, the spoke role and the spokes’ document names', () => {
    const variables = (fn().Environment as { Variables: Json }).Variables;
    expect(variables[ENV.programAccounts]).toBe(ACCOUNTS.join(','));
    expect(variables[ENV.spokeRoleName]).toBe(spokeRoleName(REGION));
    const names = JSON.parse(variables[ENV.spokeDocumentNames] as string) as Record<string, string>;
    expect(names).toEqual(spokeDocumentNames());
    for (const name of Object.values(names)) expect(name.startsWith(`${SPOKE_DOCUMENT_PREFIX}-`)).toBe(true);
    const { template: organization } = synthStack(hubContext({ accounts: 'organization' }));
    const orgVariables = (only(organization, 'AWS::Lambda::Function')[1].Environment as { Variables: Json }).Variables;
    expect(orgVariables[ENV.programAccounts]).toBe('organization');
  });

  test('the names it sends are the names a spoke deploys (same files, same hash)', () => {
    const { template: spoke } = synthSpoke();
    const deployed = resourcesOf(spoke, 'AWS::SSM::Document').map(([, d]) => d.Properties.Name);
    const variables = (fn().Environment as { Variables: Json }).Variables;
    const sent = Object.values(JSON.parse(variables[ENV.spokeDocumentNames] as string) as Record<string, string>);
    expect(sent.sort()).toEqual((deployed as string[]).sort());
  });

  test('it may assume only the spoke role name, only in accounts of the organization', () => {
    const assume = doctorStatements(template).filter((s) => asList(s.Action).includes('sts:AssumeRole'));
    expect(assume).toEqual([
      {
        Sid: 'AssumeSpokeRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${spokeRoleName(REGION)}`]],
        },
        Condition: { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION } },
      },
    ]);
  });

  test("MGN's global view: ListManagedAccounts, and source servers of any account of this Region", () => {
    const statements = doctorStatements(template);
    const list = statements.find((s) => s.Sid === 'ListSourceServers') as Json;
    expect(list.Action).toContain('mgn:ListManagedAccounts');
    const treat = statements.find((s) => s.Sid === 'TreatSourceServers') as Json;
    expect(treat.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':mgn:', { Ref: 'AWS::Region' }, ':*:source-server/*']],
    });
    // Nothing that stops, disconnects, finalizes or archives, in a hub either.
    const mgnActions = statements.flatMap((s) => asList(s.Action)).filter((a) => String(a).startsWith('mgn:'));
    expect(mgnActions.sort()).toEqual([
      'mgn:DescribeSourceServers',
      'mgn:GetReplicationConfiguration',
      'mgn:ListApplications',
      'mgn:ListManagedAccounts',
      'mgn:ListWaves',
    ]);
  });

  test('the ledger as in one account: held reports are read back with the Scan, no BatchGetItem or GetItem', () => {
    const dynamodb = doctorStatements(template)
      .flatMap((s) => asList(s.Action))
      .filter((a) => String(a).startsWith('dynamodb:'));
    expect(dynamodb.sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Scan']);
  });

  test('reserved concurrency leaves room for the Map and one event run; 0 stays none; more stays more', () => {
    expect(fn().ReservedConcurrentExecutions).toBe(11);
    const reserved = (extra: Json) =>
      only(synthStack(hubContext(extra)).template, 'AWS::Lambda::Function')[1].ReservedConcurrentExecutions;
    expect(reserved({ accountConcurrency: 3 })).toBe(4);
    expect(reserved({ reservedConcurrency: 20 })).toBe(20);
    expect(reserved({ reservedConcurrency: 0 })).toBeUndefined();
  });
});

describe('the program: ListAccounts → Map over the accounts → PublishProgramDigest', () => {
  const states = definition(template).States;

  test('ListAccounts names the run by the execution', () => {
    expect(definition(template).StartAt).toBe('ListAccounts');
    expect(states.ListAccounts).toMatchObject({
      Type: 'Task',
      Parameters: { Payload: { program: 'list-accounts', 'runId.$': '$$.Execution.Name' } },
      OutputPath: '$.Payload',
      Next: 'RunAccounts',
    });
  });

  test('the Map runs each account with accountConcurrency at most', () => {
    expect(states.RunAccounts).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.accounts',
      ItemSelector: { program: 'run-account', 'runId.$': '$$.Execution.Name', 'account.$': '$$.Map.Item.Value' },
      MaxConcurrency: 10,
      ResultPath: '$.results',
      Next: 'PublishProgramDigest',
    });
    const three = definition(synthStack(hubContext({ accountConcurrency: 3 })).template).States.RunAccounts;
    expect(three?.MaxConcurrency).toBe(3);
  });

  test("one account's failure becomes its result: Catch States.ALL → {account, held: false, caught}", () => {
    const processor = (states.RunAccounts as { ItemProcessor: { States: Record<string, Json> } }).ItemProcessor;
    const run = processor.States.RunAccount as Json;
    expect(run.Parameters).toMatchObject({ 'Payload.$': '$' });
    expect(run.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'AccountFailed' }]);
    expect(processor.States.AccountFailed).toMatchObject({
      Type: 'Pass',
      Parameters: { 'account.$': '$.account', held: false, 'caught.$': '$.caught' },
      End: true,
    });
    const retried = (run.Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
    expect(retried).toEqual(
      expect.arrayContaining([
        'Lambda.ServiceException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
      ]),
    );
  });

  test('the digest step gets every result and retries with backoff', () => {
    const publish = states.PublishProgramDigest as Json;
    expect(publish.Parameters).toMatchObject({
      Payload: { program: 'publish-digest', 'runId.$': '$$.Execution.Name', 'results.$': '$.results' },
    });
    expect(publish.Retry).toEqual(
      expect.arrayContaining([
        { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 2 },
      ]),
    );
    expect(publish.End).toBe(true);
  });

  test('a timeout, every event logged, X-Ray on', () => {
    expect(definition(template).TimeoutSeconds).toBe(PROGRAM_TIMEOUT.toSeconds());
    const [, machine] = only(template, 'AWS::StepFunctions::StateMachine');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
  });
});

describe("the program's payloads are what the Lambda accepts (lambdas/core/parse-event.ts)", () => {
  const states = definition(template).States;
  const processor = (states.RunAccounts as { ItemProcessor: { States: Record<string, Json> } }).ItemProcessor;
  const executionName = '3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b';

  /** Step Functions' Parameters: `key.$` takes the value at a path of the state's input or of the context. */
  function render(parameters: Json, input: Json, context: Json): Json {
    const at = (path: string): unknown => {
      const [root, ...keys] = path.split('.');
      if (root === '$' && keys.length === 0) return input;
      const start: unknown = root === '$$' ? context : input;
      return keys.reduce<unknown>((value, key) => (value as Json | undefined)?.[key], start);
    };
    return Object.fromEntries(
      Object.entries(parameters).map(([key, value]) =>
        key.endsWith('.$')
          ? [key.slice(0, -2), at(value as string)]
          : [
              key,
              typeof value === 'object' && value !== null && !Array.isArray(value)
                ? render(value as Json, input, context)
                : value,
            ],
      ),
    );
  }
  const payloadOf = (state: Json, input: Json, context: Json) => {
    const parameters = state.Parameters as Json;
    return 'Payload.$' in parameters ? input : render(parameters.Payload as Json, input, context);
  };
  const context = (item?: string) => ({ Execution: { Name: executionName }, Map: { Item: { Value: item } } });

  test('list-accounts, run-account (from the Map item), and publish-digest with a result and a caught failure', () => {
    const list = payloadOf(states.ListAccounts as Json, {}, context());
    expect(parseInvocation(list)).toEqual({
      kind: 'program',
      event: { program: 'list-accounts', runId: executionName },
    });

    const item = render((states.RunAccounts as Json).ItemSelector as Json, {}, context(ACCOUNTS[1]));
    const run = payloadOf(processor.States.RunAccount as Json, item, context(ACCOUNTS[1]));
    expect(parseInvocation(run)).toEqual({
      kind: 'program',
      event: { program: 'run-account', runId: executionName, account: ACCOUNTS[1] },
    });

    // What the Catch (ResultPath $.caught) and the Pass state make of a step that timed out.
    const caught = { Error: 'States.Timeout', Cause: 'The task timed out' };
    const failed = render(
      (processor.States.AccountFailed as Json).Parameters as Json,
      { ...item, caught },
      context(ACCOUNTS[1]),
    );
    const results = [{ account: ACCOUNTS[0], held: true }, failed];
    const publish = payloadOf(states.PublishProgramDigest as Json, { accounts: ACCOUNTS, results }, context());
    expect(parseInvocation(publish)).toEqual({
      kind: 'program',
      event: {
        program: 'publish-digest',
        runId: executionName,
        results: [
          { account: ACCOUNTS[0], held: true },
          { account: ACCOUNTS[1], held: false, caught },
        ],
      },
    });
  });
});

describe('triggers, events, alarm and dashboard of a hub', () => {
  const rules = () =>
    Object.fromEntries(resourcesOf(template, 'AWS::Events::Rule').map(([id, r]) => [id, r.Properties]));

  test('the schedule starts the state machine (with a role, retries and the dead-letter queue), not the function', () => {
    const [machineId] = only(template, 'AWS::StepFunctions::StateMachine');
    const schedule = Object.entries(rules()).find(([id]) => id.startsWith('TriggersSchedule'))?.[1] as Json;
    expect(schedule.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { Ref: machineId },
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/EventsRole/), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^DoctorDeadLetterQueue/), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
      },
    ]);
  });

  test("stall events still invoke the function, from any account's bus delivery", () => {
    const stall = Object.entries(rules()).find(([id]) => id.startsWith('TriggersStallEvent'))?.[1] as Json;
    const [functionId] = only(template, 'AWS::Lambda::Function');
    expect((stall.Targets as Json[])[0]).toMatchObject({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } });
    // No account in the pattern: a member's forwarded event (its own `account`) matches as the hub's does.
    expect(stall.EventPattern).not.toHaveProperty('account');
  });

  test("the default bus admits MGN's stall events from the organization only", () => {
    const [, policy] = only(template, 'AWS::Events::EventBusPolicy');
    expect(policy).toMatchObject({
      EventBusName: 'default',
      StatementId: 'Test-MemberStallEvents',
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Condition: {
          StringEquals: {
            'aws:PrincipalOrgID': ORGANIZATION,
            'events:source': 'aws.mgn',
            'events:detail-type': MGN_STALL_DETAIL_TYPE,
          },
        },
      },
    });
  });

  test('failed or timed-out executions alarm on the failure topic', () => {
    const alarm = resourcesOf(template, 'AWS::CloudWatch::Alarm').find(([, a]) =>
      String(a.Properties.AlarmName).endsWith('/ProgramFailed'),
    )?.[1].Properties as Json;
    expect(alarm).toBeDefined();
    const failureTopic = resourcesOf(template, 'AWS::SNS::Topic').find(([id]) =>
      id.startsWith('FailureNotifications'),
    )?.[0];
    expect(alarm.AlarmActions).toEqual([{ Ref: failureTopic }]);
    const metrics = alarm.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(failed, 0) + FILL(timedOut, 0)');
    expect(metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])).sort()).toEqual([
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
  });

  test('the dashboard finds each account’s series by SEARCH on the Account dimension', () => {
    const [, dashboard] = only(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.DashboardBody);
    for (const metric of ['ServersStalled', 'ServersDisconnected', 'CommandsFailed', 'Escalations']) {
      expect(body).toContain(
        `SEARCH('{MgnReplicationDoctor,Account,service} service=\\\\\\"mgn-replication-doctor\\\\\\" MetricName=\\\\\\"${metric}\\\\\\"'`,
      );
    }
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudWatch's dynamic label, not a template placeholder.
    expect(body).toContain("${PROP('Dim.Account')}");
    expect(body).toContain('ExecutionsStarted');
  });
});

describe('one account stays as it was', () => {
  test('no state machine, no bus policy, no fixed role name, no program alarm', () => {
    const { template: single } = synthStack();
    expect(resourcesOf(single, 'AWS::StepFunctions::StateMachine')).toEqual([]);
    expect(resourcesOf(single, 'AWS::Events::EventBusPolicy')).toEqual([]);
    const role = resourcesOf(single, 'AWS::IAM::Role').find(([id]) => id.startsWith('DoctorRole'));
    expect(role?.[1].Properties).not.toHaveProperty('RoleName');
  });

  test('a hub without organizationId stops the synth naming it', () => {
    expect(() => synthStack({ accounts: 'organization' })).toThrow(ConfigError);
    expect(() => synthStack({ accounts: 'organization' })).toThrow(/"organizationId"/);
  });
});
