// SSM Run Command: the stack's documents sent to managed nodes, and their per-instance results.
import {
  ListCommandInvocationsCommand,
  SendCommandCommand,
  type CommandInvocation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { parametersForBatch } from '../core/command-parameters';
import { errorText } from '../core/concurrency';
import type { CommandBatchResult, CommandRefusal, CommandRequest, DocumentRole, InvocationResult } from '../core/model';
import type { CommandRunner } from '../core/ports';
import { chunk, collectPages, unique } from './paging';

/** SendCommand accepts at most 50 InstanceIds; ListCommandInvocations returns at most 50 per page. */
const INSTANCES_PER_COMMAND = 50;
const INVOCATIONS_PER_PAGE = 50;
const MAX_COMMENT_LENGTH = 100;
/**
 * The version of each document the stack deployed. Every content change creates a new document (its name carries
 * the content's hash, lib/constructs/remediation-documents.ts), so the stack's content is always version 1; an
 * `ssm:UpdateDocument` by anyone else adds version 2 or later, which the doctor never runs as root on a host.
 */
export const STACK_DOCUMENT_VERSION = '1';
/** Delivery timeout: a node that has not picked the command up by then never runs it. */
const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 600;

export interface SsmCommandRunnerOptions {
  /** The deployed name of each of the stack's documents. */
  readonly documentNames: Readonly<Record<DocumentRole, string>>;
  /** Where SSM writes command output (the stack sets its retention). */
  readonly logGroupName: string;
  readonly deliveryTimeoutSeconds?: number;
}

export class SsmCommandRunner implements CommandRunner {
  constructor(
    private readonly ssm: SSMClient,
    private readonly options: SsmCommandRunnerOptions,
  ) {}

  async sendCommand(request: CommandRequest): Promise<CommandBatchResult[]> {
    const batches = chunk(unique(request.instanceIds), INSTANCES_PER_COMMAND);
    // Batches are independent commands: send them together, and let one batch's failure stay that batch's.
    const results = await Promise.all(batches.map((instanceIds) => this.sendBatch(request, instanceIds)));
    return results.flat();
  }

  /**
   * One SendCommand. SSM refuses the whole call when one node in it is not valid for the account, or (with the
   * `requireNodeTag` guard) not one IAM lets the doctor reach: the refused nodes are set apart, by the IDs the
   * error names or else by halving the batch, and the others are sent again. Each resend has fewer nodes, so
   * this ends after at most one call per node.
   */
  private async sendBatch(request: CommandRequest, instanceIds: readonly string[]): Promise<CommandBatchResult[]> {
    try {
      const commandId = await this.send(request, instanceIds);
      return [commandId ? { instanceIds, commandId } : { instanceIds, error: 'SendCommand returned no command ID' }];
    } catch (error) {
      const refusal = classifyRefusal(error, instanceIds);
      if (refusal === undefined) return [{ instanceIds, error: errorText(error) }];
      const refused = { instanceIds: refusal.nodes, error: errorText(error), refusal: refusal.kind } as const;
      if (refusal.nodes.length > 0) {
        const rest = instanceIds.filter((id) => !refusal.nodes.includes(id));
        return [refused, ...(rest.length > 0 ? await this.sendBatch(request, rest) : [])];
      }
      if (instanceIds.length === 1) return [{ ...refused, instanceIds }];
      const half = Math.ceil(instanceIds.length / 2);
      const halves = [instanceIds.slice(0, half), instanceIds.slice(half)];
      return (await Promise.all(halves.map((part) => this.sendBatch(request, part)))).flat();
    }
  }

  private async send(request: CommandRequest, instanceIds: readonly string[]): Promise<string | undefined> {
    const output = await this.ssm.send(
      new SendCommandCommand({
        DocumentName: this.options.documentNames[request.document],
        DocumentVersion: STACK_DOCUMENT_VERSION,
        InstanceIds: [...instanceIds],
        Parameters: parametersForBatch(request, instanceIds),
        Comment: truncate(request.comment, MAX_COMMENT_LENGTH),
        // The default (0) stops sending to the remaining hosts after the first failure; one bad host must not.
        MaxErrors: '100%',
        MaxConcurrency: String(INSTANCES_PER_COMMAND),
        TimeoutSeconds: this.options.deliveryTimeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_SECONDS,
        CloudWatchOutputConfig: {
          CloudWatchOutputEnabled: true,
          CloudWatchLogGroupName: this.options.logGroupName,
        },
      }),
    );
    return output.Command?.CommandId;
  }

  async listInvocations(commandId: string): Promise<InvocationResult[]> {
    const invocations = await collectPages(async (nextToken: string | undefined) => {
      const page = await this.ssm.send(
        new ListCommandInvocationsCommand({
          CommandId: commandId,
          Details: true,
          MaxResults: INVOCATIONS_PER_PAGE,
          NextToken: nextToken,
        }),
      );
      return { items: page.CommandInvocations, next: page.NextToken };
    });
    return invocations.flatMap((invocation) => {
      const result = toInvocationResult(commandId, invocation);
      return result === undefined ? [] : [result];
    });
  }
}

const NODE_ID_IN_TEXT = /\b(?:i-[0-9a-f]{8}(?:[0-9a-f]{9})?|mi-[0-9a-f]{17})\b/g;

/**
 * Whether SSM refused nodes rather than the request: `InvalidInstanceId` (deregistered, terminated, not managed
 * here) or `AccessDeniedException` on an instance or managed-instance resource (IAM's tag condition). `nodes` are
 * the batch's nodes the message names; empty when it names none (then a refused single node is that node).
 */
export function classifyRefusal(
  error: unknown,
  instanceIds: readonly string[],
): { readonly kind: CommandRefusal; readonly nodes: string[] } | undefined {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const nodes = unique([...message.matchAll(NODE_ID_IN_TEXT)].map((match) => match[0])).filter((id) =>
    instanceIds.includes(id),
  );
  if (name === 'InvalidInstanceId') return { kind: 'REFUSED', nodes };
  // An access denial that names no node is about the document, a key or the role: not a node's refusal.
  if (name === 'AccessDeniedException' && /:(?:instance|managed-instance)\//.test(message)) {
    return { kind: 'NOT_OPTED_IN', nodes };
  }
  return undefined;
}

export function toInvocationResult(commandId: string, invocation: CommandInvocation): InvocationResult | undefined {
  // An invocation is one instance's run; SSM always names the instance.
  if (!invocation.InstanceId) return undefined;
  const plugins = invocation.CommandPlugins ?? [];
  const codes = plugins.flatMap((plugin) => (plugin.ResponseCode === undefined ? [] : [plugin.ResponseCode]));
  return {
    commandId: invocation.CommandId ?? commandId,
    instanceId: invocation.InstanceId,
    // SSM always reports a status; should it not, the invocation counts as unfinished, never as done.
    status: invocation.Status ?? 'Pending',
    statusDetails: invocation.StatusDetails,
    // A document has one plugin per step: the invocation is as bad as its first failing step.
    responseCode: codes.find((code) => code !== 0) ?? codes[0],
    output: plugins.flatMap((plugin) => (plugin.Output ? [plugin.Output] : [])).join('\n'),
  };
}

/** At most `max` UTF-16 units, never ending in half a surrogate pair (so also at most `max` code points). */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
