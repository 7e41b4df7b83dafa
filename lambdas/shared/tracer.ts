// Powertools' Tracer, evaluated only when per-call tracing is on (aws-call-tracing.ts). Off outside Lambda.
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './environment';

/**
 * The clients are traced one by one (captureAWSv3Client); the X-Ray SDK's patch of node:http and node:https would
 * add nothing to the trace (every call the doctor makes is an AWS call, already a subsegment) and cost ~10 % of a
 * run's CPU.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });
