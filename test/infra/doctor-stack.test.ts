// Fine-grained assertions on the synthesized DoctorStack: every resource and permission of docs/design.md sections 1,
// 6, 7 and 9. Bundling and the built-in validator are off here (see synth.ts).
import { createHash } from 'node:crypto';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ENV, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/environment';
import { MGN_SERVICE_ROLES } from '../../lambdas/shared/mgn-service-roles';
import { ACCOUNT, REGION, synthStack } from './synth';

type Json = Record<string, unknown>;

const { template } = synthStack({
  notificationEmails: 'ops@example.com,oncall@example.com',
  notificationPhoneNumbers: ['+14155550100'],
});

function onlyResource(t: Template, type: string): { logicalId: string; properties: Json } {
  const resources = Object.entries(t.findResources(type));
  expect(resources).toHaveLength(1);
  const [logicalId, resource] = resources[0] as [string, Json];
  return { logicalId, properties: (resource.Properties ?? {}) as Json };
}

function logicalIdOf(t: Template, type: string, pathFragment: string): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(pathFragment));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

/** Every statement of every IAM policy attached to the doctor's role. */
function roleStatements(t: Template): Json[] {
  const roleId = logicalIdOf(t, 'AWS::IAM::Role', 'DoctorRole');
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify((policy.Properties as Json).Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
const statementsWith = (t: Template, action: string) =>
  roleStatements(t).filter((s) => asList(s.Action).includes(action));

/** `kms:ViaService` of a service in the test stack's Region. */
const viaService = (service: string) => ({ 'Fn::Join': ['', [`${service}.${REGION}.`, { Ref: 'AWS::URLSuffix' }]] });

/** The alarms of the test stack (named `Test/<alarm>`), as the topics' policies name them. */
const stackAlarmsArn = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${REGION}:${ACCOUNT}:alarm:Test/*`]],
};

const pseudoArn = (service: string, resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}`,
    ],
  ],
});

describe('doctor function', () => {
  const fn = () => onlyResource(template, 'AWS::Lambda::Function').properties;

  test('runs Node 24 on arm64 with 1,769 MB (one vCPU), active tracing and JSON logs into its own log group', () => {
    expect(fn()).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1769,
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: {
        LogFormat: 'JSON',
        LogGroup: { Ref: logicalIdOf(template, 'AWS::Logs::LogGroup', 'DoctorLogGroup') },
      },
    });
  });

  test('timeout is the result wait plus 120 s, capped at Lambda’s 900 s', () => {
    expect(fn().Timeout).toBe(180 + 120);
    const { template: longWait } = synthStack({ resultWaitSeconds: '780' });
    expect(onlyResource(longWait, 'AWS::Lambda::Function').properties.Timeout).toBe(900);
    const { template: noWait } = synthStack({ resultWaitSeconds: 0 });
    expect(onlyResource(noWait, 'AWS::Lambda::Function').properties.Timeout).toBe(120);
  });

  test('reserved concurrency defaults to 1, follows the context, and 0 means none', () => {
    expect(fn().ReservedConcurrentExecutions).toBe(1);
    const { template: three } = synthStack({ reservedConcurrency: '3' });
    expect(onlyResource(three, 'AWS::Lambda::Function').properties.ReservedConcurrentExecutions).toBe(3);
    const { template: none } = synthStack({ reservedConcurrency: 0 });
    expect(onlyResource(none, 'AWS::Lambda::Function').properties).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  test("environment carries every ENV name but a hub's, the resource references and Powertools settings", () => {
    const variables = (fn().Environment as { Variables: Json }).Variables;
    // A single-account stack sets none of a hub's variables (its template stays as it was); hub.test.ts sets them.
    const hubOnly: string[] = [ENV.programAccounts, ENV.spokeRoleName, ENV.spokeDocumentNames];
    for (const name of Object.values(ENV).filter((name) => !hubOnly.includes(name))) {
      expect(variables).toHaveProperty([name]);
    }
    for (const name of hubOnly) expect(variables).not.toHaveProperty([name]);
    expect(variables).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      [ENV.topicArn]: { Ref: logicalIdOf(template, 'AWS::SNS::Topic', 'NotificationsTopic') },
      [ENV.ledgerTableName]: { Ref: logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', 'LedgerTable') },
      [ENV.restartAgentDocument]: {
        Ref: logicalIdOf(template, 'AWS::SSM::Document', 'DocumentsRestartReplicationAgent'),
      },
      [ENV.checkDiskDocument]: { Ref: logicalIdOf(template, 'AWS::SSM::Document', 'DocumentsCheckDiskSpace') },
      [ENV.checkConnectivityDocument]: {
        Ref: logicalIdOf(template, 'AWS::SSM::Document', 'DocumentsCheckConnectivity'),
      },
      [ENV.commandLogGroup]: { Ref: logicalIdOf(template, 'AWS::Logs::LogGroup', 'DocumentsCommandOutput') },
      [ENV.dryRun]: 'false',
      [ENV.remediateStates]: 'STALLED,DISCONNECTED',
      [ENV.maxAttempts]: '3',
      [ENV.resultWaitSeconds]: '180',
      [ENV.nodeIdTagKey]: 'mgn-doctor:ssm-node-id',
    });
  });

  test('settings from context reach the environment in the form the Lambda parses', () => {
    const { template: custom } = synthStack({ dryRun: 'true', maxAttempts: 5, remediateStates: ['STALLED'] });
    const variables = (onlyResource(custom, 'AWS::Lambda::Function').properties.Environment as { Variables: Json })
      .Variables;
    expect(variables).toMatchObject({ [ENV.dryRun]: 'true', [ENV.maxAttempts]: '5', [ENV.remediateStates]: 'STALLED' });
  });

  test('the node-tag guard reaches the Lambda: REQUIRE_NODE_TAG holds the key, empty when it is off', () => {
    const variables = (t: Template) =>
      (onlyResource(t, 'AWS::Lambda::Function').properties.Environment as { Variables: Json }).Variables;
    expect(variables(template)[ENV.requireNodeTag]).toBe('');
    const { template: guarded } = synthStack({ requireNodeTag: 'mgn-doctor:target' });
    expect(variables(guarded)[ENV.requireNodeTag]).toBe('mgn-doctor:target');
  });

  test('per-call X-Ray subsegments are off by default and follow traceAwsCalls; active tracing stays on', () => {
    const fnOf = (t: Template) => onlyResource(t, 'AWS::Lambda::Function').properties;
    const variables = (t: Template) => (fnOf(t).Environment as { Variables: Json }).Variables;
    expect(variables(template)[ENV.traceAwsCalls]).toBe('false');
    const { template: traced } = synthStack({ traceAwsCalls: 'true' });
    expect(variables(traced)[ENV.traceAwsCalls]).toBe('true');
    for (const t of [template, traced]) expect(fnOf(t).TracingConfig).toEqual({ Mode: 'Active' });
  });

  test('log groups keep logs for logRetentionDays (default 90)', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    const { template: custom } = synthStack({ logRetentionDays: '14' });
    custom.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 14 }, 2);
  });

  test('async invocations retry twice, expire after an hour and fail into the encrypted, TLS-only DLQ', () => {
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue', 'DoctorDeadLetterQueue');
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('triggers', () => {
  const functionArn = () => ({
    'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', 'DoctorFunction'), 'Arn'],
  });
  const targetWithDlq = () => ({
    Arn: functionArn(),
    RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
    DeadLetterConfig: {
      Arn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'DoctorDeadLetterQueue'), 'Arn'] },
    },
  });

  test('the schedule runs the function every 15 minutes by default', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike(targetWithDlq())],
    });
  });

  test('the schedule follows the context', () => {
    const { template: custom } = synthStack({ schedule: 'cron(0/30 8-18 ? * MON-FRI *)' });
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0/30 8-18 ? * MON-FRI *)' });
  });

  test('the MGN stall event runs the function for the stalled server', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.mgn'],
        'detail-type': ['MGN Source Server Data Replication Stalled Change'],
        detail: { state: ['STALLED', 'NOT_STALLED'] },
      },
      Targets: [Match.objectLike(targetWithDlq())],
    });
  });

  test('EventBridge may invoke the function from both rules, and may dead-letter into the queue', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', FunctionName: functionArn() },
      2,
    );
    const policy = onlyResource(template, 'AWS::SQS::QueuePolicy').properties.PolicyDocument as { Statement: Json[] };
    const events = JSON.stringify({ Service: 'events.amazonaws.com' });
    const fromEvents = policy.Statement.filter((s) => JSON.stringify(s.Principal) === events);
    expect(fromEvents).toHaveLength(2);
  });
});

describe('SSM documents', () => {
  test('three Command documents, schema 2.2, replaced on update, named by stack, role and content hash, any node type', () => {
    const documents = Object.entries(template.findResources('AWS::SSM::Document'));
    expect(documents).toHaveLength(3);
    for (const [logicalId, document] of documents) {
      const properties = document.Properties as Json;
      expect(properties).toMatchObject({ DocumentType: 'Command', UpdateMethod: 'Replace' });
      const role = logicalId.replace(/^Documents/, '').replace(/[0-9A-F]{8}$/, '');
      const hash = createHash('sha256').update(JSON.stringify(properties.Content)).digest('hex');
      expect(properties.Name).toBe(`Test-${role}-${hash}`);
      expect(properties).not.toHaveProperty('TargetType');
      const content = properties.Content as Json;
      expect(content.schemaVersion).toBe('2.2');
      expect(Array.isArray(content.mainSteps)).toBe(true);
    }
  });

  test('each document has a Linux step and a Windows step (precondition on platformType)', () => {
    for (const document of Object.values(template.findResources('AWS::SSM::Document'))) {
      const steps = ((document.Properties as Json).Content as { mainSteps: Json[] }).mainSteps;
      const platforms = steps.map(
        (step) => (step.precondition as { StringEquals?: string[] } | undefined)?.StringEquals,
      );
      expect(platforms).toEqual(
        expect.arrayContaining([
          ['platformType', 'Linux'],
          ['platformType', 'Windows'],
        ]),
      );
    }
  });

  test('the command output log group is retained and hosts get a policy scoped to it', () => {
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup', 'DocumentsCommandOutput');
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 }, DeletionPolicy: 'Retain' });
    const groupArn = (suffix: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':log-group:',
          { Ref: logGroupId },
          ...(suffix ? [suffix] : []),
        ],
      ],
    });
    const { properties } = onlyResource(template, 'AWS::IAM::ManagedPolicy');
    expect(properties).not.toHaveProperty('Roles');
    expect((properties.PolicyDocument as { Statement: Json[] }).Statement).toEqual([
      {
        Sid: 'WriteRunCommandOutput',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [groupArn(''), groupArn(':*')],
      },
    ]);
  });
});

describe('notifications', () => {
  test('the topic is encrypted with the stack’s customer-managed key and refuses plain HTTP', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'NotificationsTopicKey');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test.each(['NotificationsTopicKey', 'FailureNotificationsTopicKey'])(
    'only the alarms of this stack may use the topic key (%s)',
    (keyPrefix) => {
      const key = template.findResources('AWS::KMS::Key')[logicalIdOf(template, 'AWS::KMS::Key', keyPrefix)] as Json;
      const statements = ((key.Properties as Json).KeyPolicy as { Statement: Json[] }).Statement;
      expect(statements).toContainEqual({
        Sid: 'AllowCloudWatchAlarmsToPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': stackAlarmsArn },
        },
      });
    },
  );

  test('every alarm of the stack is named so that the SourceArn pattern matches it', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm.Properties as Json).AlarmName,
    );
    expect(names.sort()).toEqual(
      ['Test/DeadLetterQueueNotEmpty', 'Test/DoctorFailed', 'Test/Escalation', 'Test/NotRunning'].sort(),
    );
  });

  test('each topic has one subscription per e-mail address and phone number from the context', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 6);
    for (const topicPrefix of ['NotificationsTopic', 'FailureNotificationsTopic']) {
      const TopicArn = { Ref: logicalIdOf(template, 'AWS::SNS::Topic', topicPrefix) };
      template.resourcePropertiesCountIs('AWS::SNS::Subscription', { TopicArn }, 3);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn,
        Protocol: 'email',
        Endpoint: 'ops@example.com',
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn,
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
      });
      template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn, Protocol: 'sms', Endpoint: '+14155550100' });
    }
    const { template: none } = synthStack();
    none.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('the failure alarms’ topic has its own key, encrypted and TLS-only like the digest’s', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'FailureNotificationsTopicKey');
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'FailureNotificationsTopic');
    expect(keyId).not.toBe(logicalIdOf(template, 'AWS::KMS::Key', 'NotificationsTopicKey'));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(
      template.findResources('AWS::SNS::Topic', { Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } } }),
    ).toHaveProperty([topicId]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('remediation ledger', () => {
  test('keyed by source server, on demand, PITR, TTL on expiresAt, KMS with its own rotating key, retained', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'LedgerTableKey');
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'sourceServerId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'sourceServerId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            Region: REGION,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
          }),
        ],
      },
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });
});

describe('remediation ledger protection', () => {
  test('the table cannot be deleted while deletion protection is on', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ Region: REGION, DeletionProtectionEnabled: true })],
    });
  });
});

describe('permissions of the doctor role', () => {
  test('no managed policies: its own log group replaces AWSLambdaBasicExecutionRole', () => {
    expect(onlyResource(template, 'AWS::IAM::Role').properties).not.toHaveProperty('ManagedPolicyArns');
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup', 'DoctorLogGroup');
    expect(roleStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
    });
  });

  test('ssm:SendCommand only on the three stack documents and instance / managed-instance ARNs', () => {
    const sendCommand = statementsWith(template, 'ssm:SendCommand');
    expect(sendCommand).toHaveLength(1);
    const statement = sendCommand[0] as Json;
    expect(statement.Action).toBe('ssm:SendCommand');
    const documentArns = Object.keys(template.findResources('AWS::SSM::Document')).map((id) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:${REGION}:${ACCOUNT}:document/`, { Ref: id }]],
    }));
    expect(statement.Resource).toEqual(
      expect.arrayContaining([...documentArns, pseudoArn('ec2', 'instance/*'), pseudoArn('ssm', 'managed-instance/*')]),
    );
    expect(asList(statement.Resource)).toHaveLength(5);
    expect(statement).not.toHaveProperty('Condition');
  });

  test('with requireNodeTag, SendCommand reaches only nodes tagged <key>=true; the documents stay unconditioned', () => {
    const { template: guarded } = synthStack({ requireNodeTag: 'mgn-doctor:target' });
    const documentArns = Object.keys(guarded.findResources('AWS::SSM::Document')).map((id) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:${REGION}:${ACCOUNT}:document/`, { Ref: id }]],
    }));
    const sendCommand = statementsWith(guarded, 'ssm:SendCommand');
    expect(sendCommand).toHaveLength(2);
    const toDocuments = sendCommand.find((statement) => statement.Sid === 'SendStackDocuments') as Json;
    expect(toDocuments).not.toHaveProperty('Condition');
    expect(asList(toDocuments.Resource)).toEqual(expect.arrayContaining(documentArns));
    expect(asList(toDocuments.Resource)).toHaveLength(3);
    expect(sendCommand.find((statement) => statement.Sid === 'SendToOptedInNodes')).toEqual({
      Sid: 'SendToOptedInNodes',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: [pseudoArn('ec2', 'instance/*'), pseudoArn('ssm', 'managed-instance/*')],
      Condition: { StringEquals: { 'ssm:resourceTag/mgn-doctor:target': 'true' } },
    });
    // Without the setting, no statement of the role carries a tag condition.
    expect(JSON.stringify(roleStatements(template))).not.toContain('ssm:resourceTag');
  });

  test('every permission comes from one policy per service: no default policy, and X-Ray alone in its own', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'DoctorRole');
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
    expect(
      policies.map(([id]) => id).filter((id) => id.startsWith(`${roleId.replace(/[0-9A-F]{8}$/, '')}Default`)),
    ).toEqual([]);
    const withXRay = policies.filter(([, policy]) => JSON.stringify(policy).includes('xray:'));
    expect(withXRay).toHaveLength(1);
    const [, tracing] = withXRay[0] as [string, { Properties: { PolicyDocument: { Statement: Json[] } } }];
    expect(tracing.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'SendTraces',
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        Resource: '*',
      },
    ]);
  });

  test('Lambda may send failed invocations to the dead-letter queue, granted before it checks the destination', () => {
    const queueArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'DoctorDeadLetterQueue'), 'Arn'] };
    expect(statementsWith(template, 'sqs:SendMessage')).toEqual([
      { Sid: 'SendFailedInvocations', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn },
    ]);
    const grantId = logicalIdOf(template, 'AWS::IAM::Policy', 'DoctorDeadLetterAccess');
    template.hasResource('AWS::Lambda::EventInvokeConfig', { DependsOn: Match.arrayWith([grantId]) });
  });

  test('no wildcard actions, no ssm:* and no iam:PassRole anywhere in the stack', () => {
    const everyStatement = [
      ...Object.values(template.findResources('AWS::IAM::Policy')),
      ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
    ].flatMap((policy) => ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement);
    const actions = everyStatement.flatMap((s) => asList(s.Action) as string[]);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(actions).not.toContain('iam:PassRole');
  });

  test('statements on Resource "*" hold only actions without resource-level permissions', () => {
    const onStar = roleStatements(template)
      .filter((s) => asList(s.Resource).includes('*'))
      .flatMap((s) => asList(s.Action))
      .sort();
    expect(onStar).toEqual([
      'ec2:DescribeInstances',
      'mgn:DescribeSourceServers',
      'mgn:ListApplications',
      'mgn:ListWaves',
      // opsItems is on by default; these two have no resource type either (docs/design.md section 9).
      'ssm:CreateOpsItem',
      'ssm:DescribeInstanceInformation',
      'ssm:DescribeOpsItems',
      'ssm:ListCommandInvocations',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  test('MGN: retry (when enabled) and replication settings on source servers of this account and Region only; never destructive', () => {
    const { template: retrying } = synthStack({ retryServiceSideErrors: true });
    expect(roleStatements(retrying)).toContainEqual({
      Sid: 'TreatSourceServers',
      Effect: 'Allow',
      Action: ['mgn:GetReplicationConfiguration', 'mgn:RetryDataReplication'],
      Resource: pseudoArn('mgn', 'source-server/*'),
    });
    const mgnActions = roleStatements(retrying)
      .flatMap((s) => asList(s.Action) as string[])
      .filter((action) => action.startsWith('mgn:'))
      .sort();
    expect(mgnActions).toEqual([
      'mgn:DescribeSourceServers',
      'mgn:GetReplicationConfiguration',
      'mgn:ListApplications',
      'mgn:ListWaves',
      'mgn:RetryDataReplication',
    ]);
  });

  test('MGN: no RetryDataReplication unless retryServiceSideErrors is on (off by default)', () => {
    const mgnActions = (t: Template) =>
      roleStatements(t)
        .flatMap((s) => asList(s.Action) as string[])
        .filter((action) => action.startsWith('mgn:'))
        .sort();
    expect(mgnActions(template)).toEqual([
      'mgn:DescribeSourceServers',
      'mgn:GetReplicationConfiguration',
      'mgn:ListApplications',
      'mgn:ListWaves',
    ]);
    expect(mgnActions(synthStack({ retryServiceSideErrors: 'false' }).template)).not.toContain(
      'mgn:RetryDataReplication',
    );
    expect(mgnActions(synthStack({ retryServiceSideErrors: 'true' }).template)).toContain('mgn:RetryDataReplication');
  });

  test('EC2: DescribeInstances only (no resource-level permissions, so on "*"), to find replication servers', () => {
    expect(statementsWith(template, 'ec2:DescribeInstances')).toEqual([
      { Sid: 'FindReplicationServers', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
    ]);
    const ec2Actions = roleStatements(template)
      .flatMap((s) => asList(s.Action) as string[])
      .filter((action) => action.startsWith('ec2:'));
    expect(ec2Actions).toEqual(['ec2:DescribeInstances']);
  });

  test('IAM: GetRole only, on exactly the ARNs of the roles MGN creates (with and without their path), never on a wildcard', () => {
    const roleArn = (rolePath: string, name: string) => ({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:role${rolePath}${name}`],
      ],
    });
    expect(statementsWith(template, 'iam:GetRole')).toEqual([
      {
        Sid: 'CheckMgnServiceRoles',
        Effect: 'Allow',
        Action: 'iam:GetRole',
        Resource: [
          roleArn('/aws-service-role/mgn.amazonaws.com/', 'AWSServiceRoleForApplicationMigrationService'),
          roleArn('/', 'AWSServiceRoleForApplicationMigrationService'),
          roleArn('/service-role/', 'AWSApplicationMigrationReplicationServerRole'),
          roleArn('/', 'AWSApplicationMigrationReplicationServerRole'),
          roleArn('/service-role/', 'AWSApplicationMigrationConversionServerRole'),
          roleArn('/', 'AWSApplicationMigrationConversionServerRole'),
          roleArn('/service-role/', 'AWSApplicationMigrationMGHRole'),
          roleArn('/', 'AWSApplicationMigrationMGHRole'),
          roleArn('/service-role/', 'AWSApplicationMigrationLaunchInstanceWithDrsRole'),
          roleArn('/', 'AWSApplicationMigrationLaunchInstanceWithDrsRole'),
          roleArn('/service-role/', 'AWSApplicationMigrationLaunchInstanceWithSsmRole'),
          roleArn('/', 'AWSApplicationMigrationLaunchInstanceWithSsmRole'),
          roleArn('/service-role/', 'AWSApplicationMigrationAgentRole'),
          roleArn('/', 'AWSApplicationMigrationAgentRole'),
        ],
      },
    ]);
    expect(MGN_SERVICE_ROLES).toHaveLength(7);
    const iamActions = roleStatements(template)
      .flatMap((s) => asList(s.Action) as string[])
      .filter((action) => action.startsWith('iam:'));
    expect(iamActions).toEqual(['iam:GetRole']);
    expect(JSON.stringify(statementsWith(template, 'iam:GetRole'))).not.toContain('*');
  });

  test('publish to the topic (with its key, through SNS), Scan and PutItem on the ledger (with its key, through DynamoDB)', () => {
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'NotificationsTopic');
    const topicKeyId = logicalIdOf(template, 'AWS::KMS::Key', 'NotificationsTopicKey');
    const tableId = logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', 'LedgerTable');
    const tableKeyId = logicalIdOf(template, 'AWS::KMS::Key', 'LedgerTableKey');
    const statements = roleStatements(template);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [topicKeyId, 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': viaService('sns') } },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:Scan', 'dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [tableKeyId, 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': viaService('dynamodb') } },
    });
    const dynamoActions = statements
      .flatMap((s) => asList(s.Action) as string[])
      .filter((a) => a.startsWith('dynamodb:'));
    expect(dynamoActions.sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Scan']);
  });

  test('the function waits for its separately attached policies', () => {
    const policyIds = Object.keys(template.findResources('AWS::IAM::Policy'));
    template.hasResource('AWS::Lambda::Function', { DependsOn: Match.arrayWith(policyIds.sort()) });
  });
});

describe('outputs', () => {
  test('everything an operator needs after deploy', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'CheckConnectivityDocumentName',
        'CheckDiskSpaceDocumentName',
        'CommandLogGroupName',
        'DashboardUrl',
        'DeadLetterQueueUrl',
        'FunctionName',
        'HostOutputPolicyArn',
        'LedgerTableName',
        'RestartReplicationAgentDocumentName',
        'RunCommandHistoryUrl',
        'TopicArn',
      ].sort(),
    );
    expect(outputs.TopicArn?.Value).toEqual({ Ref: logicalIdOf(template, 'AWS::SNS::Topic', 'NotificationsTopic') });
    const policyId = logicalIdOf(template, 'AWS::IAM::ManagedPolicy', 'DocumentsHostOutputPolicy');
    expect(outputs.HostOutputPolicyArn?.Value).toEqual({ Ref: policyId });
    expect(outputs.DeadLetterQueueUrl?.Value).toEqual({
      Ref: logicalIdOf(template, 'AWS::SQS::Queue', 'DoctorDeadLetterQueue'),
    });
    expect(outputs.RunCommandHistoryUrl?.Value).toBe(
      `https://${REGION}.console.aws.amazon.com/systems-manager/run-command/complete-commands?region=${REGION}`,
    );
  });
});
