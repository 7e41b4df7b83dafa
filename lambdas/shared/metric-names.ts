// The metrics the doctor emits, by name: the Lambda (lambdas/handlers/run-doctor.ts) writes them and the stack's
// dashboard and alarms (lib/constructs/doctor-dashboard.ts, doctor-alarms.ts) read them, so both sides import this one module.
// Constants only: no SDK, no CDK, no Powertools, so it is safe in the Lambda bundle and at synth.
// Namespace and dimension: METRICS_NAMESPACE (./environment) and `service` = SERVICE_NAME, which Powertools adds.

/** Every metric the doctor emits once per run (all of unit Count, except RunDurationMs in Milliseconds). */
export const METRIC = {
  // Fleet by condition (one per Condition of lambdas/core/model.ts).
  serversStalled: 'ServersStalled',
  serversDisconnected: 'ServersDisconnected',
  serversLagging: 'ServersLagging',
  serversUnknown: 'ServersUnknown',
  serversProgressing: 'ServersProgressing',
  serversHealthy: 'ServersHealthy',
  serversIgnored: 'ServersIgnored',
  // Commands and their outcomes.
  commandsSent: 'CommandsSent',
  commandsSucceeded: 'CommandsSucceeded',
  commandsFailed: 'CommandsFailed',
  // What changed for people.
  recoveries: 'Recoveries',
  escalations: 'Escalations',
  digestsPublished: 'DigestsPublished',
  // Items the best-effort channels (OpsCenter, EventBridge) could not deliver (docs/design.md section 7).
  channelFailures: 'ChannelFailures',
  // The run itself.
  runDuration: 'RunDurationMs',
} as const;

export type MetricKey = keyof typeof METRIC;
export type MetricName = (typeof METRIC)[MetricKey];

/** The metric of each condition, in the order dashboards list them (worst first). */
export const CONDITION_METRICS = {
  STALLED: METRIC.serversStalled,
  DISCONNECTED: METRIC.serversDisconnected,
  LAGGING: METRIC.serversLagging,
  UNKNOWN: METRIC.serversUnknown,
  PROGRESSING: METRIC.serversProgressing,
  HEALTHY: METRIC.serversHealthy,
  IGNORED: METRIC.serversIgnored,
} as const;

/** Condition (as lambdas/core/model.ts spells it) → its metric name. */
export type ConditionName = keyof typeof CONDITION_METRICS;

export function conditionMetric(condition: ConditionName): MetricName {
  return CONDITION_METRICS[condition];
}

/** Every metric name, each once. */
export const METRIC_NAMES: readonly MetricName[] = Object.values(METRIC);
