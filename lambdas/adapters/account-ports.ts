// One account's ports as a hub builds them (docs/design.md section 13). The hub's own account: the adapters a
// single-account stack uses. A member account: MGN on the hub's client naming the account (global view); SSM,
// EC2 and IAM signed with the spoke role's credentials; the spoke's documents and log group; the ledger under
// the account's own keys.
import type { MgnClient } from '@aws-sdk/client-mgn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AccountRunError, describeAccountFailure } from '../core/program/account-failure';
import type { AccountPorts, AccountPortsProvider } from '../core/program/ports';
import type { DocumentRole } from '../core/model';
import { partitionOf } from '../shared/console-links';
import { ACCOUNT_ID, SPOKE_COMMAND_LOG_GROUP } from '../shared/program';
import type { HubConfig, RuntimeConfig } from '../shared/runtime-config';
import { systemClock } from '../shared/system-clock';
import type { AccountClients, AwsClients } from './aws-clients';
import { DynamoDbRemediationLedger } from './dynamodb-remediation-ledger';
import { Ec2ReplicationServerLocator } from './ec2-replication-server-locator';
import { IamServiceRoleChecker } from './iam-service-role-checker';
import { MgnSourceServerRepository } from './mgn-source-server-repository';
import { SsmCommandRunner } from './ssm-command-runner';
import { SsmManagedNodeDirectory } from './ssm-managed-node-directory';
import { StsSpokeCredentials } from './sts-spoke-credentials';

/** Where one account's ports send their calls. */
export interface AccountPortsParts {
  /** The caller's MGN client; `accountID` makes it act in a member account. */
  readonly mgn: MgnClient;
  readonly accountID?: string;
  /** SSM, EC2 and IAM clients signed for the account. */
  readonly clients: AccountClients;
  readonly dynamodb: DynamoDBDocumentClient;
  readonly ledgerTableName: string;
  /** The account whose ledger keys carry it (a hub's member accounts only). */
  readonly ledgerAccount?: string;
  readonly documentNames: Readonly<Record<DocumentRole, string>>;
  readonly commandLogGroup: string;
}

/** The adapters of one account, as a single-account stack wires them and a hub wires them per account. */
export function createAccountPorts(parts: AccountPortsParts): AccountPorts {
  // The ledger table also keeps the SSM inventory for event runs and the free-period marks (design section 8).
  const ledger = new DynamoDbRemediationLedger(
    parts.dynamodb,
    parts.ledgerTableName,
    systemClock.sleep,
    parts.ledgerAccount === undefined ? {} : { account: parts.ledgerAccount },
  );
  return {
    servers: new MgnSourceServerRepository(
      parts.mgn,
      parts.accountID === undefined ? {} : { accountID: parts.accountID },
    ),
    nodes: new SsmManagedNodeDirectory(parts.clients.ssm),
    commands: new SsmCommandRunner(parts.clients.ssm, {
      documentNames: parts.documentNames,
      logGroupName: parts.commandLogGroup,
    }),
    ledger,
    nodeCache: ledger,
    freePeriodMarks: ledger,
    replicationServers: new Ec2ReplicationServerLocator(parts.clients.ec2),
    serviceRoles: new IamServiceRoleChecker(parts.clients.iam),
  };
}

/** The function's own account: the adapters a single-account stack wires, from its runtime config. */
export function createOwnAccountPorts(
  clients: AwsClients,
  config: Pick<RuntimeConfig, 'ledgerTableName' | 'documentNames' | 'commandLogGroup'>,
): AccountPorts {
  return createAccountPorts({
    mgn: clients.mgn,
    dynamodb: clients.dynamodb,
    clients,
    ledgerTableName: config.ledgerTableName,
    documentNames: config.documentNames,
    commandLogGroup: config.commandLogGroup,
  });
}

export interface AwsAccountPortsProviderOptions {
  readonly clients: AwsClients;
  readonly config: Pick<RuntimeConfig, 'ledgerTableName' | 'documentNames' | 'commandLogGroup'>;
  readonly hub: Pick<HubConfig, 'spokeRoleName' | 'spokeDocumentNames'>;
  /** The hub's account (the function's): its ports are a single-account stack's, its ledger keys bare. */
  readonly ownAccount: string;
  readonly region: string;
  /** Names the spoke sessions in member accounts' CloudTrail. */
  readonly runId: string;
  /** Build once per container and pass to each run's provider: a warm container reuses unexpired credentials. */
  readonly spokeCredentials?: StsSpokeCredentials;
  /** The Region's by default. */
  readonly partition?: string;
}

export class AwsAccountPortsProvider implements AccountPortsProvider {
  private readonly spokeCredentials: StsSpokeCredentials;

  constructor(private readonly options: AwsAccountPortsProviderOptions) {
    this.spokeCredentials =
      options.spokeCredentials ??
      new StsSpokeCredentials(options.clients.sts, {
        partition: options.partition ?? partitionOf(options.region),
        roleName: options.hub.spokeRoleName,
      });
  }

  /**
   * The hub's own account at once; a member account once its spoke role is assumed, so that an account the hub
   * cannot reach fails here, as one AccountRunError line, before any of its calls.
   */
  async portsFor(account: string): Promise<AccountPorts> {
    const { clients, config, hub, runId } = this.options;
    if (!ACCOUNT_ID.test(account)) throw new AccountRunError(account, `Account ${account}: not a 12-digit account ID`);
    if (account === this.options.ownAccount) return createOwnAccountPorts(clients, config);
    try {
      await this.spokeCredentials.credentialsFor(account, runId);
    } catch (error) {
      const line = describeAccountFailure(error, {
        account,
        region: this.options.region,
        spokeRoleName: hub.spokeRoleName,
      });
      throw new AccountRunError(account, line, { cause: error });
    }
    return createAccountPorts({
      mgn: clients.mgn,
      dynamodb: clients.dynamodb,
      ledgerTableName: config.ledgerTableName,
      accountID: account,
      clients: clients.withCredentials(this.spokeCredentials.providerFor(account, runId)),
      ledgerAccount: account,
      documentNames: hub.spokeDocumentNames,
      commandLogGroup: SPOKE_COMMAND_LOG_GROUP,
    });
  }
}
