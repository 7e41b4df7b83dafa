// Wiring only: each construct owns one responsibility (lib/constructs/, the function's permissions in lib/iam/);
// this stack connects them and publishes what operators need as outputs.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { runCommandHistoryUrl } from '../lambdas/shared/console-links';
import { DOCUMENT_ROLES } from '../lambdas/shared/documents';
import type { ChatChannelConfig, StackConfig } from './config';
import { ChatChannels } from './constructs/chat-channels';
import { DoctorAlarms } from './constructs/doctor-alarms';
import { DoctorDashboard } from './constructs/doctor-dashboard';
import { DoctorFunction } from './constructs/doctor-function';
import { DoctorTriggers } from './constructs/doctor-triggers';
import { MemberStallEvents } from './constructs/member-stall-events';
import { Notifications } from './constructs/notifications';
import { ProgramFanOut } from './constructs/program-fan-out';
import { RemediationDocuments, spokeDocumentNames } from './constructs/remediation-documents';
import { RemediationLedger } from './constructs/remediation-ledger';

export interface DoctorStackProps extends StackProps {
  /** Validated configuration (lib/config.ts). */
  readonly config: StackConfig;
  /**
   * Slack and Teams channels to subscribe to the digest's topic (lib/config.ts, `loadChatChannels`).
   * @default - none
   */
  readonly chatChannels?: ChatChannelConfig;
}

/** The MGN replication doctor in one account and Region. */
export class DoctorStack extends Stack {
  /** SSM documents, their output log group and the hosts' output policy. */
  public readonly documents: RemediationDocuments;
  /** The digest's topic, its key and subscriptions. */
  public readonly notifications: Notifications;
  /** The failure alarms' own topic and key, with the same subscribers. */
  public readonly failureNotifications: Notifications;
  /** Remediation ledger table and its key. */
  public readonly ledger: RemediationLedger;
  /** The doctor function, its role, log group and dead-letter queue. */
  public readonly doctor: DoctorFunction;
  /** Schedule and MGN stall-event rules. */
  public readonly triggers: DoctorTriggers;
  /** The four alarms. */
  public readonly alarms: DoctorAlarms;
  /** The CloudWatch dashboard. */
  public readonly dashboard: DoctorDashboard;
  /** Slack and Teams channels subscribed to the digest's topic, when any are configured. */
  public readonly chatChannels?: ChatChannels;
  /** A hub's state machine (context `accounts`, docs/design.md section 13). */
  public readonly program?: ProgramFanOut;
  /** A hub's bus policy for its members' stall events. */
  public readonly memberStallEvents?: MemberStallEvents;

  constructor(scope: Construct, id: string, props: DoctorStackProps) {
    super(scope, id, {
      description: 'MGN replication doctor: finds stalled replication, repairs it via SSM Run Command, reports to SNS',
      ...props,
    });
    const { config } = props;
    const hub = hubOf(config);
    const subscribers = { emails: config.notificationEmails, phoneNumbers: config.notificationPhoneNumbers };

    this.documents = new RemediationDocuments(this, 'Documents', { commandLogRetention: config.logRetentionDays });
    this.notifications = new Notifications(this, 'Notifications', subscribers);
    this.failureNotifications = new Notifications(this, 'FailureNotifications', {
      ...subscribers,
      displayName: 'MGN replication doctor alarm',
      purpose: "the MGN replication doctor's failure alarm topic",
    });
    this.ledger = new RemediationLedger(this, 'Ledger');
    const chat = props.chatChannels;
    if (chat && chat.slackChannels.length + chat.teamsChannels.length > 0) {
      this.chatChannels = new ChatChannels(this, 'ChatChannels', { topic: this.notifications.topic, ...chat });
    }

    this.doctor = new DoctorFunction(this, 'Doctor', {
      settings: config.settings,
      topic: this.notifications.topic,
      topicKey: this.notifications.key,
      ledgerTable: this.ledger.table,
      ledgerKey: this.ledger.key,
      documentNames: this.documents.documentNames,
      documentArns: this.documents.documentArns,
      commandLogGroupName: this.documents.commandLogGroup.logGroupName,
      reservedConcurrency: hub ? hubReservedConcurrency(config) : config.reservedConcurrency,
      memorySize: config.memorySize,
      traceAwsCalls: config.traceAwsCalls,
      logRetention: config.logRetentionDays,
      ...(hub ? { program: { ...hub, spokeDocumentNames: spokeDocumentNames() } } : {}),
    });

    if (hub) {
      this.program = new ProgramFanOut(this, 'Program', {
        function: this.doctor.function,
        accountConcurrency: config.accountConcurrency,
        logRetention: config.logRetentionDays,
      });
      this.memberStallEvents = new MemberStallEvents(this, 'MemberStallEvents', {
        organizationId: hub.organizationId,
      });
    }
    const program = this.program?.stateMachine;

    this.triggers = new DoctorTriggers(this, 'Triggers', {
      function: this.doctor.function,
      schedule: config.schedule,
      deadLetterQueue: this.doctor.deadLetterQueue,
      ...(program ? { program } : {}),
    });

    this.alarms = new DoctorAlarms(this, 'Alarms', {
      function: this.doctor.function,
      deadLetterQueue: this.doctor.deadLetterQueue,
      schedule: config.schedule,
      digestTopic: this.notifications.topic,
      failureTopic: this.failureNotifications.topic,
      ...(program ? { program } : {}),
    });
    this.dashboard = new DoctorDashboard(this, 'Dashboard', {
      function: this.doctor.function,
      logGroup: this.doctor.logGroup,
      deadLetterQueue: this.doctor.deadLetterQueue,
      schedule: config.schedule,
      alarms: this.alarms.alarms,
      ...(program ? { program } : {}),
    });

    this.addOutputs();
  }

  private addOutputs(): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('TopicArn', this.notifications.topic.topicArn, 'Notification topic (e-mail subscribers must confirm)');
    output('FunctionName', this.doctor.function.functionName, 'Doctor function (invoke it to run now)');
    output('LedgerTableName', this.ledger.table.tableName, 'Remediation ledger table');
    for (const role of DOCUMENT_ROLES)
      output(`${role}DocumentName`, this.documents.documentNames[role], 'SSM document');
    output('CommandLogGroupName', this.documents.commandLogGroup.logGroupName, 'Run Command output log group');
    output(
      'HostOutputPolicyArn',
      this.documents.hostOutputPolicy.managedPolicyArn,
      "Attach to the hosts' instance profile or hybrid activation role so Run Command output reaches CloudWatch Logs",
    );
    output('DeadLetterQueueUrl', this.doctor.deadLetterQueue.queueUrl, 'Failed invocations and undeliverable events');
    output(
      'RunCommandHistoryUrl',
      runCommandHistoryUrl(this.region),
      'Run Command history in the Systems Manager console',
    );
    output('DashboardUrl', this.dashboard.dashboardUrl, 'CloudWatch dashboard of the doctor (fleet, commands, alarms)');
    if (this.program) {
      output(
        'HubRoleArn',
        this.doctor.role.roleArn,
        'The role every spoke trusts (deploy the spokes with this account)',
      );
      output('ProgramStateMachineArn', this.program.stateMachine.stateMachineArn, "The program's state machine");
    }
  }
}

/** A hub's accounts and organization, or undefined for one account (lib/config.ts checked that both are set). */
function hubOf(config: StackConfig): { accounts: HubAccounts; organizationId: string } | undefined {
  if (config.accounts.kind === 'single' || config.organizationId === undefined) return undefined;
  return { accounts: config.accounts, organizationId: config.organizationId };
}

type HubAccounts = Exclude<StackConfig['accounts'], { kind: 'single' }>;

/**
 * The Map invokes the function for up to accountConcurrency accounts at once, and a stall event may start one more
 * run: a smaller reserved concurrency would throttle the Map's own iterations. 0 (none) stays none.
 */
function hubReservedConcurrency(config: StackConfig): number {
  return config.reservedConcurrency === 0 ? 0 : Math.max(config.reservedConcurrency, config.accountConcurrency + 1);
}
