// A hub's credentials in a member account (docs/design.md section 13): AssumeRole into the spoke role the spoke
// stack deployed there, on the hub's own credentials. MGN needs none (global view names the account); SSM, EC2
// and IAM have no such parameter.
import type { STSClient } from '@aws-sdk/client-sts';
import { roleArn } from '../shared/program';
import { loadStsSdk, type CredentialProvider, type TemporaryCredentials } from './aws-clients';

/** Asked for again this long before they expire, so no call is signed with credentials that lapse in flight. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** One hour: STS's default, and within every role's MaxSessionDuration; a run takes minutes. */
export const SESSION_SECONDS = 3600;
/** RoleSessionName: 2–64 characters of `[\w+=,.@-]` (API model). */
const MAX_SESSION_NAME_LENGTH = 64;
const SESSION_NAME_REFUSED = /[^\w+=,.@-]/g;

export interface SpokeCredentialsOptions {
  readonly partition: string;
  /** spokeRoleName(region): the same name in every member account. */
  readonly roleName: string;
  readonly now?: () => Date;
}

interface CachedCredentials {
  readonly credentials: Promise<TemporaryCredentials>;
  /** Epoch ms; undefined while AssumeRole is in flight. */
  expiresAt?: number;
}

/**
 * The session name says in the member account's CloudTrail which run acted: `mgn-doctor-<run ID>`, with what
 * STS refuses replaced and cut to its 64 characters.
 */
export const sessionNameFor = (runId: string): string =>
  `mgn-doctor-${runId}`.replace(SESSION_NAME_REFUSED, '-').slice(0, MAX_SESSION_NAME_LENGTH);

export class StsSpokeCredentials {
  /** Per account and run: SSM, EC2 and IAM clients of one account share one AssumeRole. */
  private readonly cache = new Map<string, CachedCredentials>();
  private readonly now: () => Date;

  constructor(
    /** The hub's STS client, built on first use (createAwsClients). */
    private readonly sts: () => STSClient,
    private readonly options: SpokeCredentialsOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The spoke role's ARN in `account`. */
  roleArnIn(account: string): string {
    return roleArn(this.options.partition, account, this.options.roleName);
  }

  /** What a client in `account` signs with during run `runId`: cached until shortly before they expire. */
  providerFor(account: string, runId: string): CredentialProvider {
    return () => this.credentialsFor(account, runId);
  }

  /** The account's credentials, from the cache or a new AssumeRole; rejects with STS's error (AccessDenied …). */
  credentialsFor(account: string, runId: string): Promise<TemporaryCredentials> {
    const key = `${account}/${runId}`;
    const now = this.now().getTime();
    this.forgetExpired(now);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached.credentials;
    const entry: CachedCredentials = { credentials: this.assumeRole(account, runId) };
    this.cache.set(key, entry);
    entry.credentials.then(
      (credentials) => {
        entry.expiresAt = credentials.expiration?.getTime() ?? now + SESSION_SECONDS * 1000;
      },
      // A refusal is not kept: the next call asks STS again (the caller reports this one).
      () => {
        if (this.cache.get(key) === entry) this.cache.delete(key);
      },
    );
    return entry.credentials;
  }

  private forgetExpired(now: number): void {
    for (const [key, entry] of this.cache)
      if (entry.expiresAt !== undefined && entry.expiresAt - REFRESH_BEFORE_EXPIRY_MS <= now) this.cache.delete(key);
  }

  private async assumeRole(account: string, runId: string): Promise<TemporaryCredentials> {
    const { AssumeRoleCommand } = loadStsSdk();
    const { Credentials: credentials } = await this.sts().send(
      new AssumeRoleCommand({
        RoleArn: this.roleArnIn(account),
        RoleSessionName: sessionNameFor(runId),
        DurationSeconds: SESSION_SECONDS,
      }),
    );
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey)
      throw new Error(`AssumeRole of ${this.roleArnIn(account)} returned no credentials`);
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  }
}
