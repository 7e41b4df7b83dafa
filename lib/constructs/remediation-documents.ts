import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, Aws, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import type { DocumentRole } from '../../lambdas/core/model';
import { DOCUMENT_FILES, DOCUMENT_ROLES, DOCUMENTS_DIRECTORY } from '../ssm-document-files';

export { DOCUMENT_FILES, DOCUMENT_ROLES } from '../ssm-document-files';

/** CreateDocument's limit on a document name. */
const SSM_DOCUMENT_NAME_MAX = 128;

export interface RemediationDocumentsProps {
  /**
   * Retention of the log group that receives Run Command output.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly commandLogRetention?: logs.RetentionDays;
  /**
   * Folder holding the document YAML files.
   * @default lib/ssm-documents
   */
  readonly documentsDirectory?: string;
}

/**
 * The SSM Command documents (RestartReplicationAgent, CheckDiskSpace, CheckConnectivity), the log group their
 * output goes to, and a managed policy that lets hosts write that output.
 */
export class RemediationDocuments extends Construct {
  /** Document names, by role (what SendCommand takes): see contentAddressedName. */
  public readonly documentNames: Readonly<Record<DocumentRole, string>>;
  /** Document ARNs, by role (what IAM scopes `ssm:SendCommand` to). */
  public readonly documentArns: Readonly<Record<DocumentRole, string>>;
  /** The documents, by role. */
  public readonly documents: Readonly<Record<DocumentRole, ssm.CfnDocument>>;
  /** Where Run Command writes the documents' output (`CloudWatchOutputConfig`). */
  public readonly commandLogGroup: logs.LogGroup;
  /**
   * For operators to attach to the hosts' instance profile or hybrid activation role: Run Command writes
   * CloudWatch output with the host's credentials, not the caller's.
   */
  public readonly hostOutputPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: RemediationDocumentsProps = {}) {
    super(scope, id);
    const directory = props.documentsDirectory ?? DOCUMENTS_DIRECTORY;
    const stack = Stack.of(this);

    const documents = {} as Record<DocumentRole, ssm.CfnDocument>;
    const names = {} as Record<DocumentRole, string>;
    const arns = {} as Record<DocumentRole, string>;
    for (const role of DOCUMENT_ROLES) {
      // The doctor runs version 1 of each document (lambdas/adapters/ssm-command-runner.ts), never $LATEST: a
      // name that changes with the content and `Replace` make every content change a new document whose only
      // version the stack created is 1, and an `ssm:UpdateDocument` by anyone else only adds versions that are
      // never run. No `targetType`: it would have to admit both EC2 instances and hybrid (mi-) nodes, and
      // omitting it allows every node type.
      const content = loadDocument(path.join(directory, DOCUMENT_FILES[role]));
      const document = new ssm.CfnDocument(this, role, {
        documentType: 'Command',
        content,
        name: contentAddressedName(stack, role, content),
        updateMethod: 'Replace',
      });
      documents[role] = document;
      names[role] = document.ref;
      arns[role] = stack.formatArn({ service: 'ssm', resource: 'document', resourceName: document.ref });
    }
    this.documents = documents;
    this.documentNames = names;
    this.documentArns = arns;

    this.commandLogGroup = new logs.LogGroup(this, 'CommandOutput', {
      retention: props.commandLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The agent calls CreateLogGroup for every invocation and stops streaming on any error other than
    // "already exists", so the host needs it even though the group exists; then CreateLogStream,
    // DescribeLogStreams (sequence token) and PutLogEvents.
    // Pseudo parameters keep the cdk-nag finding ID below independent of the stack's environment.
    const groupArn = stack.formatArn({
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      service: 'logs',
      resource: 'log-group',
      resourceName: this.commandLogGroup.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.hostOutputPolicy = new iam.ManagedPolicy(this, 'HostOutputPolicy', {
      description:
        'Attach to the instance profile / hybrid activation role of hosts the MGN replication doctor treats, ' +
        'so Run Command can write their output to its log group.',
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteRunCommandOutput',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          resources: [groupArn, `${groupArn}:*`],
        }),
      ],
    });
    // cdk-nag renders the ARN with <pseudo parameter> and <LogicalId> placeholders.
    const logGroupId = logicalIdOf(this.commandLogGroup);
    const streams = `arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${logGroupId}>:*`;
    Validations.of(this.hostOutputPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${streams}]`,
      reason:
        'Run Command names one log stream per command and instance at run time; the wildcard covers only ' +
        'streams of this one log group.',
    });
  }
}

/**
 * `<stack name>-<role>-<SHA-256 of the content>`: the stack name keeps stacks apart (names are unique per account
 * and Region), the hash makes a content change a new document and shows in the Run Command history which content
 * ran. SSM allows 128 characters of [a-zA-Z0-9_.-]; stack names are letters, digits and hyphens.
 */
export function contentAddressedName(stack: Stack, role: DocumentRole, content: Record<string, unknown>): string {
  if (Token.isUnresolved(stack.stackName)) throw new Error('SSM document names need a stack name known at synth');
  const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  const suffix = `-${role}-${hash}`;
  return `${stack.stackName.slice(0, SSM_DOCUMENT_NAME_MAX - suffix.length)}${suffix}`;
}

/** The documents are reviewable YAML files; parsing them here makes a broken file fail the synth. */
function loadDocument(file: string): Record<string, unknown> {
  const content: unknown = parse(fs.readFileSync(file, 'utf8'));
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new Error(`${file}: expected an SSM document (a YAML mapping)`);
  }
  const document = content as Record<string, unknown>;
  if (String(document.schemaVersion) !== '2.2' || !Array.isArray(document.mainSteps)) {
    throw new Error(`${file}: expected a Command document with schemaVersion '2.2' and mainSteps`);
  }
  // An unquoted `schemaVersion: 2.2` parses as a number; SSM wants the string.
  return { ...document, schemaVersion: '2.2' };
}

function logicalIdOf(logGroup: logs.LogGroup): string {
  return Stack.of(logGroup).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup);
}
