// Thin entry point: configuration and clients are built once per container; each invocation parses its event
// and runs the core. Everything that decides anything lives in lambdas/core.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients';
import { DynamoDbRemediationLedger } from '../adapters/dynamodb-remediation-ledger';
import { Ec2ReplicationServerLocator } from '../adapters/ec2-replication-server-locator';
import { IamServiceRoleChecker } from '../adapters/iam-service-role-checker';
import { MgnSourceServerRepository } from '../adapters/mgn-source-server-repository';
import { SnsOutcomePublisher } from '../adapters/sns-outcome-publisher';
import { SsmCommandRunner } from '../adapters/ssm-command-runner';
import { SsmManagedNodeDirectory } from '../adapters/ssm-managed-node-directory';
import { parseInvocation } from '../core/parse-event';
import type { RunReport } from '../core/report';
import { runDoctor, type DoctorDependencies } from '../core/run-doctor';
import { log, logger, metrics } from '../shared/powertools';
import { parseRuntimeConfig } from '../shared/runtime-config';
import { systemClock } from '../shared/system-clock';

const config = parseRuntimeConfig(process.env);
const clients = createAwsClients({});
const dependencies: DoctorDependencies = {
  servers: new MgnSourceServerRepository(clients.mgn),
  nodes: new SsmManagedNodeDirectory(clients.ssm),
  commands: new SsmCommandRunner(clients.ssm, { documentNames: config.documentNames, logGroupName: config.commandLogGroup }),
  publisher: new SnsOutcomePublisher(clients.sns, config.topicArn),
  ledger: new DynamoDbRemediationLedger(clients.dynamodb, config.ledgerTableName),
  replicationServers: new Ec2ReplicationServerLocator(clients.ec2),
  serviceRoles: new IamServiceRoleChecker(clients.iam),
  clock: systemClock,
  log,
};

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
      { region: process.env.AWS_REGION ?? 'unknown', accountId: accountOf(context) },
      dependencies,
    );
    for (const [condition, count] of Object.entries(report.counts)) metrics.addMetric(`Servers${condition}`, MetricUnit.Count, count);
    metrics.addMetric('CommandsSent', MetricUnit.Count, report.commandsSent);
    logger.info('Run finished', { runId: report.runId, counts: report.counts, commandsSent: report.commandsSent, published: report.published });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
}
