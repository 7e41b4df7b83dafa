// The spoke (docs/design.md section 13): what a hub needs in each member account and Region. Wiring only. Deployed
// with `cdk deploy` or as a CloudFormation StackSet, so it is environment-agnostic (pseudo parameters only), has no
// assets, and references nothing of a CDK bootstrap stack (SpokeSynthesizer below).
import { BootstraplessSynthesizer, CfnOutput, type ISynthesisSession, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DOCUMENT_ROLES } from '../lambdas/shared/documents';
import { SPOKE_COMMAND_LOG_GROUP, SPOKE_DOCUMENT_PREFIX } from '../lambdas/shared/program';
import type { SpokeConfig } from './config';
import { RemediationDocuments } from './constructs/remediation-documents';
import { SpokeReaderRole } from './constructs/spoke-reader-role';
import { SpokeRole } from './constructs/spoke-role';
import { StallEventForwarding } from './constructs/stall-event-forwarding';

/**
 * BootstraplessSynthesizer writes no BootstrapVersion rule and fails the synth if an asset is added, but still names
 * the bootstrap stack's deploy and execution roles for the CLI to assume. This one names none: `cdk deploy` uses
 * the caller's credentials, as a StackSet's own execution role does.
 */
class SpokeSynthesizer extends BootstraplessSynthesizer {
  override synthesize(session: ISynthesisSession): void {
    this.synthesizeStackTemplate(this.boundStack, session);
    this.emitArtifact(session);
  }
}

export interface SpokeStackProps extends Omit<StackProps, 'env' | 'synthesizer'> {
  /** The hub and the organization (lib/config.ts, loadSpokeConfig). */
  readonly spoke: SpokeConfig;
  /** Retention of the command output log group. */
  readonly commandLogRetention: RetentionDays;
  /** As the hub's `requireNodeTag`: commands reach only nodes tagged `<key>=true`. */
  readonly requireNodeTag?: string;
}

/** One member account and Region of a hub: documents, output log group, the hub's role, stall-event forwarding. */
export class SpokeStack extends Stack {
  public readonly documents: RemediationDocuments;
  public readonly spokeRole: SpokeRole;
  /** Read-only, for people previewing this account from the hub (npm run check --account). */
  public readonly readerRole: SpokeReaderRole;
  public readonly forwarding: StallEventForwarding;

  constructor(scope: Construct, id: string, props: SpokeStackProps) {
    super(scope, id, {
      description: "MGN replication doctor spoke: the hub's SSM documents and role in this account",
      ...props,
      synthesizer: new SpokeSynthesizer(),
    });
    this.documents = new RemediationDocuments(this, 'Documents', {
      commandLogRetention: props.commandLogRetention,
      namePrefix: SPOKE_DOCUMENT_PREFIX,
      commandLogGroupName: SPOKE_COMMAND_LOG_GROUP,
    });
    this.spokeRole = new SpokeRole(this, 'HubAccess', {
      hubAccountId: props.spoke.hubAccountId,
      organizationId: props.spoke.organizationId,
      documentArns: Object.values(this.documents.documentArns),
      requireNodeTag: props.requireNodeTag,
    });
    this.readerRole = new SpokeReaderRole(this, 'PreviewAccess', {
      hubAccountId: props.spoke.hubAccountId,
      organizationId: props.spoke.organizationId,
    });
    this.forwarding = new StallEventForwarding(this, 'StallEvents', { hubAccountId: props.spoke.hubAccountId });

    const output = (outputId: string, value: string, description: string) =>
      new CfnOutput(this, outputId, { value, description });
    output('SpokeRoleArn', this.spokeRole.role.roleArn, "The role the hub's doctor assumes in this account");
    output('SpokeReaderRoleArn', this.readerRole.role.roleArn, 'Read-only role for npm run check --account in the hub');
    for (const role of DOCUMENT_ROLES)
      output(`${role}DocumentName`, this.documents.documentNames[role], 'SSM document');
    output(
      'HostOutputPolicyArn',
      this.documents.hostOutputPolicy.managedPolicyArn,
      "Attach to the hosts' instance profile or hybrid activation role so Run Command output reaches CloudWatch Logs",
    );
  }
}
