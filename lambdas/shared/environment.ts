// The contract between the stack (which sets these variables) and the Lambda (which parses them).
// Constants only: the CDK side imports this file without pulling Lambda code into synth, and the
// Lambda bundle never pulls in aws-cdk-lib.
export const ENV = {
  topicArn: 'TOPIC_ARN',
  ledgerTableName: 'LEDGER_TABLE_NAME',
  restartAgentDocument: 'RESTART_AGENT_DOCUMENT',
  checkDiskDocument: 'CHECK_DISK_DOCUMENT',
  checkConnectivityDocument: 'CHECK_CONNECTIVITY_DOCUMENT',
  commandLogGroup: 'COMMAND_LOG_GROUP',
  dryRun: 'DRY_RUN',
  remediateStates: 'REMEDIATE_STATES',
  maxAttempts: 'MAX_ATTEMPTS',
  cooldownMinutes: 'COOLDOWN_MINUTES',
  resultWaitSeconds: 'RESULT_WAIT_SECONDS',
  minFreeRootMiB: 'MIN_FREE_ROOT_MIB',
  minFreeTmpMiB: 'MIN_FREE_TMP_MIB',
  lagAlertMinutes: 'LAG_ALERT_MINUTES',
  retryServiceSideErrors: 'RETRY_SERVICE_SIDE_ERRORS',
  reminderHours: 'REMINDER_HOURS',
  nodeIdTagKey: 'NODE_ID_TAG_KEY',
  optOutTagKey: 'OPT_OUT_TAG_KEY',
  notifyIntervalMinutes: 'NOTIFY_INTERVAL_MINUTES',
  massStallThreshold: 'MASS_STALL_THRESHOLD',
  requireNodeTag: 'REQUIRE_NODE_TAG',
  inventoryCacheMinutes: 'INVENTORY_CACHE_MINUTES',
  freePeriodWarningDays: 'FREE_PERIOD_WARNING_DAYS',
  traceAwsCalls: 'TRACE_AWS_CALLS',
  findingEvents: 'FINDING_EVENTS',
  opsItems: 'OPS_ITEMS',
  opsItemBlockedHours: 'OPS_ITEM_BLOCKED_HOURS',
  chatNotifications: 'CHAT_NOTIFICATIONS',
  // A hub only (lambdas/shared/program.ts): which accounts, the role to assume in each, the spokes' document names.
  programAccounts: 'PROGRAM_ACCOUNTS',
  spokeRoleName: 'SPOKE_ROLE_NAME',
  spokeDocumentNames: 'SPOKE_DOCUMENT_NAMES',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Powertools reads these itself. */
export const SERVICE_NAME = 'mgn-replication-doctor';
export const METRICS_NAMESPACE = 'MgnReplicationDoctor';
