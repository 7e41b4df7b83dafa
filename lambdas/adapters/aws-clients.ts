// The SDK clients the adapters use, built once per Lambda container. Endpoints and credentials come from the
// SDK's own resolution (Region, AWS_ENDPOINT_URL, the execution role); the overrides below exist for tests and
// local tools only.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IAMClient } from '@aws-sdk/client-iam';
import { MgnClient, type MgnClientConfig } from '@aws-sdk/client-mgn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** MGN's request rate limits are undocumented; six attempts with backoff ride out throttling bursts. */
export const DEFAULT_MAX_ATTEMPTS = 6;

/** Plain values on purpose: MGN's client comes from the smithy v2 type tree, the others from v4. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Temporary credentials as STS hands them out; `expiration` tells the SDK when to ask the provider again. */
export interface TemporaryCredentials extends StaticCredentials {
  readonly expiration?: Date;
}

/** Called by a client before it signs; returns cached credentials until they are about to expire. */
export type CredentialProvider = () => Promise<TemporaryCredentials>;

/** What a hub calls in a member account with that account's credentials (docs/design.md section 13). */
export type AccountClients = Pick<AwsClients, 'ssm' | 'ec2' | 'iam'>;

export interface AwsClientOptions {
  readonly region?: string;
  readonly maxAttempts?: number;
  /** Tests and local tools only. */
  readonly endpoint?: string;
  /** Tests and local tools only. */
  readonly credentials?: StaticCredentials;
  /** Applied to every client when it is built (the handler adds X-Ray tracing). */
  readonly instrument?: <C extends object>(client: C) => C;
}

export interface AwsClients {
  readonly mgn: MgnClient;
  readonly ssm: SSMClient;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBDocumentClient;
  /**
   * Replication servers' private IPs (DescribeInstances), built on first use: loading the EC2 client costs
   * ~150 ms and ~55 MB, for one call in runs that check connectivity.
   */
  readonly ec2: () => EC2Client;
  /** MGN's service roles (GetRole). IAM is global: the SDK sends to the partition's IAM endpoint whatever the Region. */
  readonly iam: () => IAMClient;
  /** Finding events (PutEvents), built on first use: only runs with news send any. */
  readonly events: () => EventBridgeClient;
  /** AssumeRole into member accounts, built on first use: only a hub calls it. */
  readonly sts: () => STSClient;
  /**
   * SSM, EC2 and IAM clients that sign with `credentials` (a member account's, from its spoke role), configured
   * as the others. MGN needs none: the hub's own client names the account (`accountID`).
   */
  readonly withCredentials: (credentials: CredentialProvider) => AccountClients;
}

/**
 * client-mgn 3.523's logger middleware builds a redacted copy of every response for `logger.info`, even for the
 * no-op default logger (later SDKs skip theirs): for 1,000 source servers a page that is ~10 % of a run's CPU and
 * garbage. It calls `info` optionally, so a logger without one skips that work; the SDK logs nothing else at info.
 */
const noop = (): void => undefined;
const MGN_QUIET_LOGGER = { debug: noop, warn: noop, error: noop } as unknown as MgnClientConfig['logger'];

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
  const instrument = options.instrument ?? (<C>(client: C): C => client);
  const withCredentials = (credentials: CredentialProvider): AccountClients => {
    const signed = { ...config, credentials };
    return {
      ssm: instrument(new SSMClient(signed)),
      ec2: once(() => instrument(new (loadEc2Sdk().EC2Client)(signed))),
      iam: once(() => instrument(new (loadIamSdk().IAMClient)(signed))),
    };
  };
  return {
    mgn: instrument(new MgnClient({ ...config, logger: MGN_QUIET_LOGGER })),
    ssm: instrument(new SSMClient(config)),
    sns: instrument(new SNSClient(config)),
    // Ledger entries carry optional fields; without removeUndefinedValues marshalling them throws.
    dynamodb: instrument(
      DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } }),
    ),
    ec2: once(() => instrument(new (loadEc2Sdk().EC2Client)(config))),
    iam: once(() => instrument(new (loadIamSdk().IAMClient)(config))),
    events: once(() => instrument(new (loadEventsSdk().EventBridgeClient)(config))),
    sts: once(() => instrument(new (loadStsSdk().STSClient)(config))),
    withCredentials,
  };
}

/**
 * The EC2, IAM, EventBridge and STS SDKs load on first use, clients and commands alike: EC2's alone costs ~150 ms and ~55 MB, for
 * one call that only runs with network-class errors. `require`, not import(): in the Lambda bundle these stay
 * run-time requires of their own files next to index.js (lib/lambda-bundling.ts), so index.js does not even
 * parse them.
 */
export const loadEc2Sdk = (): typeof import('./ec2-sdk') => require('./ec2-sdk');
export const loadIamSdk = (): typeof import('./iam-sdk') => require('./iam-sdk');
export const loadEventsSdk = (): typeof import('./events-sdk') => require('./events-sdk');
export const loadStsSdk = (): typeof import('./sts-sdk') => require('./sts-sdk');

function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
