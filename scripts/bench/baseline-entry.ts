// The baseline of the benchmark's module-init ratio: what the handler loads and builds at init that is not the
// doctor's own code, namely the SDK clients (built as the handler builds them, traced when it traces) and Powertools.
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import { awsCallTracing } from '../../lambdas/shared/aws-call-tracing';
import { logger } from '../../lambdas/shared/powertools';
import { parseTraceAwsCalls } from '../../lambdas/shared/runtime-config';

export const clients = createAwsClients({ instrument: awsCallTracing(parseTraceAwsCalls(process.env)) });
export { logger };
