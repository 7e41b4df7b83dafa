// The SDK clients the adapters use, built once per Lambda container. Endpoints and credentials come from the
// SDK's own resolution (Region, AWS_ENDPOINT_URL, the execution role); the overrides below exist for tests and
// local tools only.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { MgnClient } from '@aws-sdk/client-mgn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** MGN's request rate limits are undocumented; six attempts with backoff ride out throttling bursts. */
export const DEFAULT_MAX_ATTEMPTS = 6;

/** Plain values on purpose: MGN's client comes from the smithy v2 type tree, the others from v4. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsClientOptions {
  readonly region?: string;
  readonly maxAttempts?: number;
  /** Tests and local tools only. */
  readonly endpoint?: string;
  /** Tests and local tools only. */
  readonly credentials?: StaticCredentials;
}

export interface AwsClients {
  readonly mgn: MgnClient;
  readonly ssm: SSMClient;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBDocumentClient;
  /** Replication servers' private IPs (DescribeInstances). */
  readonly ec2: EC2Client;
  /** MGN's service roles (GetRole). IAM is global: the SDK sends to the partition's IAM endpoint whatever the Region. */
  readonly iam: IAMClient;
}

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  // Standard mode: jittered exponential backoff per call. Adaptive mode was measured to pace every later call of
  // a client at ~0.5 requests/s after a single throttle, which stretches a run of a few dozen calls into minutes.
  const config = {
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
  };
  return {
    mgn: new MgnClient(config),
    ssm: new SSMClient(config),
    sns: new SNSClient(config),
    // Ledger entries carry optional fields; without removeUndefinedValues marshalling them throws.
    dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(config), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
  };
}
