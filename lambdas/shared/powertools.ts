// One logger, one metrics and one tracer instance per process; service name and namespace come from the environment the
// stack sets (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE), with the same defaults for local runs.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_NAMESPACE, SERVICE_NAME } from './environment';
import type { Log } from '../core/ports';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
/**
 * X-Ray subsegments per AWS call (the function runs with active tracing); off outside Lambda. The clients are
 * traced one by one (captureAWSv3Client); the X-Ray SDK's patch of node:http and node:https would add nothing to
 * the trace (every call the doctor makes is an AWS call, already a subsegment) and cost ~10 % of a run's CPU.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });

/** The core's `Log` port on top of Powertools' Logger. */
export const log: Log = {
  info: (message, attributes) => logger.info(message, attributes ?? {}),
  warn: (message, attributes) => logger.warn(message, attributes ?? {}),
  error: (message, attributes) => logger.error(message, attributes ?? {}),
};
