// Wiring only: each construct owns one responsibility (lib/constructs/, the function's permissions in lib/iam/);
// this stack connects them and publishes what operators need as outputs.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DOCUMENT_ROLES } from '../lambdas/shared/documents';
import type { StackConfig } from './config';
import { DoctorFunction } from './constructs/doctor-function';
import { DoctorTriggers } from './constructs/doctor-triggers';
import { Notifications } from './constructs/notifications';
import { Observability } from './constructs/observability';
import { RemediationDocuments } from './constructs/remediation-documents';
import { RemediationLedger } from './constructs/remediation-ledger';

export interface DoctorStackProps extends StackProps {
  /** Validated configuration (lib/config.ts). */
  readonly config: StackConfig;
}

/** The MGN replication doctor in one account and Region. */
export class DoctorStack extends Stack {
  /** SSM documents, their output log group and the hosts' output policy. */
  public readonly documents: RemediationDocuments;
  /** Notification topic, its key and subscriptions. */
  public readonly notifications: Notifications;
  /** Remediation ledger table and its key. */
  public readonly ledger: RemediationLedger;
  /** The doctor function, its role, log group and dead-letter queue. */
  public readonly doctor: DoctorFunction;
  /** Schedule and MGN stall-event rules. */
  public readonly triggers: DoctorTriggers;
  /** Dashboard and alarms (alarms notify the notification topic). */
  public readonly observability: Observability;

  constructor(scope: Construct, id: string, props: DoctorStackProps) {
    super(scope, id, {
      description: 'MGN replication doctor: finds stalled replication, repairs it via SSM Run Command, reports to SNS',
      ...props,
    });
    const { config } = props;

    this.documents = new RemediationDocuments(this, 'Documents', { commandLogRetention: config.logRetentionDays });
    this.notifications = new Notifications(this, 'Notifications', {
      emails: config.notificationEmails,
      phoneNumbers: config.notificationPhoneNumbers,
    });
    this.ledger = new RemediationLedger(this, 'Ledger');

    this.doctor = new DoctorFunction(this, 'Doctor', {
      settings: config.settings,
      topic: this.notifications.topic,
      topicKey: this.notifications.key,
      ledgerTable: this.ledger.table,
      ledgerKey: this.ledger.key,
      documentNames: this.documents.documentNames,
      documentArns: this.documents.documentArns,
      commandLogGroupName: this.documents.commandLogGroup.logGroupName,
      reservedConcurrency: config.reservedConcurrency,
      logRetention: config.logRetentionDays,
    });

    this.triggers = new DoctorTriggers(this, 'Triggers', {
      function: this.doctor.function,
      schedule: config.schedule,
      deadLetterQueue: this.doctor.deadLetterQueue,
    });

    this.observability = new Observability(this, 'Observability', {
      function: this.doctor.function,
      logGroup: this.doctor.logGroup,
      deadLetterQueue: this.doctor.deadLetterQueue,
      topic: this.notifications.topic,
      schedule: config.schedule,
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
    const ssmConsole = `https://${this.region}.console.aws.amazon.com/systems-manager`;
    output(
      'RunCommandHistoryUrl',
      `${ssmConsole}/run-command/complete-commands?region=${this.region}`,
      'Run Command history in the Systems Manager console',
    );
    output(
      'DashboardUrl',
      this.observability.dashboardUrl,
      'CloudWatch dashboard of the doctor (fleet, commands, alarms)',
    );
  }
}
