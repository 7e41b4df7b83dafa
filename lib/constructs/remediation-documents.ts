import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, Aws, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import type { DocumentRole } from '../../lambdas/core/model';
import { DOCUMENT_FILES, DOCUMENT_ROLES, DOCUMENTS_DIRECTORY } from '../ssm-document-files';

export { DOCUMENT_FILES, DOCUMENT_ROLES } from '../ssm-document-files';

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
  /** CloudFormation-generated document names, by role (what SendCommand takes). */
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
      // No `name`: CloudFormation generates one, so stacks in several Regions or accounts never collide and a
      // content change can't fail on a name that is already taken. No `targetType` either: it would have to
      // admit both EC2 instances and hybrid (mi-) nodes, and omitting it allows every node type.
      const document = new ssm.CfnDocument(this, role, {
        documentType: 'Command',
        content: loadDocument(path.join(directory, DOCUMENT_FILES[role])),
        updateMethod: 'NewVersion',
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
