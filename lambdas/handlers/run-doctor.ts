// Thin entry point: configuration and clients are built once per container; each invocation parses its event
// and runs the core. Everything that decides anything lives in lambdas/core.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients';
import { DynamoDbRemediationLedger } from '../adapters/dynamodb-remediation-ledger';
import { Ec2ReplicationServerLocator } from '../adapters/ec2-replication-server-locator';
import { EventBridgeFindingPublisher } from '../adapters/eventbridge-finding-publisher';
import { IamServiceRoleChecker } from '../adapters/iam-service-role-checker';
import { MgnSourceServerRepository } from '../adapters/mgn-source-server-repository';
import { SnsOutcomePublisher } from '../adapters/sns-outcome-publisher';
import { SsmCommandRunner } from '../adapters/ssm-command-runner';
import { SsmManagedNodeDirectory } from '../adapters/ssm-managed-node-directory';
import { SsmOpsItemPublisher } from '../adapters/ssm-ops-item-publisher';
import { parseInvocation } from '../core/parse-event';
import type { RunReport } from '../core/report';
import { runDoctor, type DoctorDependencies } from '../core/run/run-doctor';
import { measureRun } from '../core/run-metrics';
import { METRIC, type MetricName } from '../shared/metric-names';
import { awsCallTracing } from '../shared/aws-call-tracing';
import { log, logger, metrics } from '../shared/powertools';
import { parseRuntimeConfig } from '../shared/runtime-config';
import { systemClock } from '../shared/system-clock';

const config = parseRuntimeConfig(process.env);
// An X-Ray subsegment per call only when the stack asks for it (docs/design.md section 12).
const clients = createAwsClients({ instrument: awsCallTracing(config.traceAwsCalls) });
// The ledger table also keeps the SSM inventory for event runs (one item, read with the ledger's own scan) and
// the free-period marks (one item, docs/design.md section 8).
const ledger = new DynamoDbRemediationLedger(clients.dynamodb, config.ledgerTableName);
const dependencies: DoctorDependencies = {
  servers: new MgnSourceServerRepository(clients.mgn),
  nodes: new SsmManagedNodeDirectory(clients.ssm),
  commands: new SsmCommandRunner(clients.ssm, {
    documentNames: config.documentNames,
    logGroupName: config.commandLogGroup,
  }),
  // docs/design.md section 7: the topic must deliver (e-mail, SMS and chat in one Publish); the others are best effort.
  publisher: new SnsOutcomePublisher(clients.sns, config.topicArn, { chat: config.settings.chatNotifications }),
  channels: [
    ...(config.settings.opsItems
      ? [new SsmOpsItemPublisher(clients.ssm, { blockedHours: config.settings.opsItemBlockedHours })]
      : []),
    ...(config.settings.findingEvents ? [new EventBridgeFindingPublisher(clients.events)] : []),
  ],
  ledger,
  nodeCache: ledger,
  freePeriodMarks: ledger,
  replicationServers: new Ec2ReplicationServerLocator(clients.ec2),
  serviceRoles: new IamServiceRoleChecker(clients.iam),
  clock: systemClock,
  log,
};

const unitOf = (name: MetricName) => (name === METRIC.runDuration ? MetricUnit.Milliseconds : MetricUnit.Count);

/** `arn:aws:lambda:<region>:<account>:function:<name>` → account. */
const accountOf = (context: Context): string => context.invokedFunctionArn.split(':')[4] ?? 'unknown';

export async function handler(event: unknown, context: Context): Promise<RunReport | undefined> {
  logger.addContext(context);
  const invocation = parseInvocation(event);
  if (invocation.kind === 'ignore') {
    logger.warn('Ignoring event', { reason: invocation.reason });
    return undefined;
  }
  try {
    const report = await runDoctor(
      {
        runId: context.awsRequestId.slice(0, 8),
        trigger: invocation.kind === 'server' ? 'event' : 'schedule',
        sourceServerIds: invocation.kind === 'server' ? [invocation.sourceServerId] : undefined,
      },
      config.settings,
      {
        region: process.env.AWS_REGION ?? 'unknown',
        accountId: accountOf(context),
        ledgerTableName: config.ledgerTableName,
      },
      dependencies,
    );
    for (const [name, value] of Object.entries(measureRun(report)) as [MetricName, number][])
      metrics.addMetric(name, unitOf(name), value);
    logger.info('Run finished', {
      runId: report.runId,
      counts: report.counts,
      commandsSent: report.commandsSent,
      published: report.published,
      channelFailures: report.channelFailures,
    });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
}
