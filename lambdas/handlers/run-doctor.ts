// Thin entry point: configuration and clients are built once per container; each invocation parses its event
// and runs the core. Everything that decides anything lives in lambdas/core.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { AwsAccountPortsProvider, createOwnAccountPorts } from '../adapters/account-ports';
import { createAwsClients } from '../adapters/aws-clients';
import { DynamoDbHeldReportStore } from '../adapters/dynamodb-held-report-store';
import { EventBridgeFindingPublisher } from '../adapters/eventbridge-finding-publisher';
import { MgnManagedAccountDirectory } from '../adapters/mgn-managed-account-directory';
import { SnsOutcomePublisher } from '../adapters/sns-outcome-publisher';
import { SsmOpsItemPublisher } from '../adapters/ssm-ops-item-publisher';
import { StsSpokeCredentials } from '../adapters/sts-spoke-credentials';
import { accountOfEvent, parseInvocation } from '../core/parse-event';
import { AccountRunError } from '../core/program/account-failure';
import type { ProgramDependencies } from '../core/program/dependencies';
import { listProgramAccounts } from '../core/program/list-accounts';
import { publishProgramDigest, type ProgramDigestOutcome } from '../core/program/publish-program-digest';
import { runAccount, runEventInAccount } from '../core/program/run-account';
import type { RunReport } from '../core/report';
import { runDoctor, type DoctorDependencies, type RunRequest } from '../core/run/run-doctor';
import { measureRun } from '../core/run-metrics';
import { METRIC, type MetricName } from '../shared/metric-names';
import { awsCallTracing } from '../shared/aws-call-tracing';
import { partitionOf } from '../shared/console-links';
import { log, logger, metrics } from '../shared/powertools';
import {
  ACCOUNT_METRIC_DIMENSION,
  type AccountList,
  type AccountRunResult,
  type ProgramEvent,
} from '../shared/program';
import { parseRuntimeConfig } from '../shared/runtime-config';
import { systemClock } from '../shared/system-clock';

const config = parseRuntimeConfig(process.env);
const region = process.env.AWS_REGION ?? 'unknown';
// An X-Ray subsegment per call only when the stack asks for it (docs/design.md section 12).
const clients = createAwsClients({ instrument: awsCallTracing(config.traceAwsCalls) });
// docs/design.md section 7: the topic must deliver (e-mail, SMS and chat in one Publish); the others are best effort.
const publisher = new SnsOutcomePublisher(clients.sns, config.topicArn, { chat: config.settings.chatNotifications });
const channels = [
  ...(config.settings.opsItems
    ? [new SsmOpsItemPublisher(clients.ssm, { blockedHours: config.settings.opsItemBlockedHours })]
    : []),
  ...(config.settings.findingEvents ? [new EventBridgeFindingPublisher(clients.events)] : []),
];
const dependencies: DoctorDependencies = {
  ...createOwnAccountPorts(clients, config),
  publisher,
  channels,
  clock: systemClock,
  log,
};
// A hub (docs/design.md section 13): spoke credentials shared by the container's runs, until shortly before expiry.
const hub = config.hub && {
  ...config.hub,
  spokeCredentials: new StsSpokeCredentials(clients.sts, {
    partition: partitionOf(region),
    roleName: config.hub.spokeRoleName,
  }),
};

const unitOf = (name: MetricName) => (name === METRIC.runDuration ? MetricUnit.Milliseconds : MetricUnit.Count);

/** `arn:aws:lambda:<region>:<account>:function:<name>` → account. */
const accountOf = (context: Context): string => context.invokedFunctionArn.split(':')[4] ?? 'unknown';

type Answer = RunReport | AccountList | AccountRunResult | ProgramDigestOutcome | undefined;

export async function handler(event: unknown, context: Context): Promise<Answer> {
  logger.addContext(context);
  // A malformed program payload throws here: the state machine's execution shows the error.
  const invocation = parseInvocation(event);
  if (invocation.kind === 'ignore') {
    logger.warn('Ignoring event', { reason: invocation.reason });
    return undefined;
  }
  try {
    const request: RunRequest = {
      runId: context.awsRequestId.slice(0, 8),
      trigger: invocation.kind === 'server' ? 'event' : 'schedule',
      sourceServerIds: invocation.kind === 'server' ? [invocation.sourceServerId] : undefined,
    };
    if (!hub) return recordRun(await runDoctor(request, config.settings, environmentOf(context), dependencies));
    if (invocation.kind === 'program') return await runProgramStep(invocation.event, context);
    if (invocation.kind === 'scan') {
      logger.warn('Ignoring event', { reason: "a hub's schedule starts its state machine, not this function" });
      return undefined;
    }
    return await runHubEvent(request, accountOfEvent(event) ?? accountOf(context), context);
  } finally {
    metrics.publishStoredMetrics();
  }
}

function environmentOf(context: Context) {
  return { region, accountId: accountOf(context), ledgerTableName: config.ledgerTableName };
}

/** A hub's ports for one program run (its ID names the spoke sessions in CloudTrail). */
function programDependencies(runId: string, context: Context): ProgramDependencies {
  if (!hub) throw new Error('not a hub');
  return {
    directory: new MgnManagedAccountDirectory(clients.mgn),
    accounts: new AwsAccountPortsProvider({
      clients,
      config,
      hub,
      ownAccount: accountOf(context),
      region,
      runId,
      spokeCredentials: hub.spokeCredentials,
    }),
    heldReports: new DynamoDbHeldReportStore(clients.dynamodb, config.ledgerTableName),
    publisher,
    channels,
    clock: systemClock,
    log,
  };
}

async function runProgramStep(event: ProgramEvent, context: Context): Promise<Answer> {
  if (!hub) throw new Error('not a hub');
  const deps = programDependencies(event.runId, context);
  const environment = {
    region,
    hubAccountId: accountOf(context),
    accounts: hub.accounts,
    spokeRoleName: hub.spokeRoleName,
    ledgerTableName: config.ledgerTableName,
  };
  switch (event.program) {
    case 'list-accounts':
      return listProgramAccounts(event, environment, deps);
    case 'run-account': {
      const { result, report } = await runAccount(event, config.settings, environment, deps);
      if (report) recordRun(report, event.account);
      return result;
    }
    case 'publish-digest': {
      const outcome = await publishProgramDigest(event, { ...environment, ...config.settings }, deps);
      metrics.addMetric(METRIC.digestsPublished, MetricUnit.Count, outcome.published ? 1 : 0);
      logger.info('Program digest', { runId: event.runId, ...outcome });
      return outcome;
    }
  }
}

/** A stall event in one of the hub's accounts: that account's run, its own digest. */
async function runHubEvent(request: RunRequest, account: string, context: Context): Promise<Answer> {
  try {
    const deps = programDependencies(request.runId, context);
    const environment = { region, ledgerTableName: config.ledgerTableName };
    return recordRun(await runEventInAccount(request, account, config.settings, environment, deps), account);
  } catch (error) {
    // The account cannot be reached (its spoke is missing): a retry would fail alike; the program digest says it.
    if (!(error instanceof AccountRunError)) throw error;
    logger.error('Ignoring event: the account cannot be treated', { account, failure: error.line });
    return undefined;
  }
}

/** The run's metrics (with its account in a hub) and its closing log line. */
function recordRun(report: RunReport, account?: string): RunReport {
  if (account !== undefined) metrics.addDimension(ACCOUNT_METRIC_DIMENSION, account);
  for (const [name, value] of Object.entries(measureRun(report)) as [MetricName, number][])
    metrics.addMetric(name, unitOf(name), value);
  logger.info('Run finished', {
    runId: report.runId,
    ...(account !== undefined && { account }),
    counts: report.counts,
    commandsSent: report.commandsSent,
    published: report.published,
    channelFailures: report.channelFailures,
  });
  return report;
}
