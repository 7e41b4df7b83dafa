// Run Command in memory: records each request and answers each invocation from a script of host answers.
import type { CommandBatchResult, CommandRequest, InvocationResult } from '../../core/model';
import type { CommandRunner } from '../../core/ports';

/** How a host answers a document: status and output; `pendingPolls` keeps it InProgress for that many polls. */
export interface HostAnswer {
  readonly status: InvocationResult['status'];
  readonly output?: string;
  readonly responseCode?: number;
  readonly pendingPolls?: number;
}

export class RecordingCommandRunner implements CommandRunner {
  readonly sent: CommandRequest[] = [];
  readonly polls: string[] = [];
  /** Answer per `${document}/${instanceId}`, or per document; default Success. */
  answers = new Map<string, HostAnswer>();
  failSend?: (request: CommandRequest) => string | undefined;
  private readonly invocations = new Map<string, { request: CommandRequest; instanceId: string; polls: number }[]>();
  private counter = 0;

  async sendCommand(request: CommandRequest): Promise<CommandBatchResult[]> {
    this.sent.push(request);
    const error = this.failSend?.(request);
    if (error) return [{ instanceIds: request.instanceIds, error }];
    const commandId = `00000000-0000-4000-8000-${String(++this.counter).padStart(12, '0')}`;
    this.invocations.set(
      commandId,
      request.instanceIds.map((instanceId) => ({ request, instanceId, polls: 0 })),
    );
    return [{ instanceIds: request.instanceIds, commandId }];
  }

  async listInvocations(commandId: string): Promise<InvocationResult[]> {
    this.polls.push(commandId);
    return (this.invocations.get(commandId) ?? []).map((invocation) => {
      invocation.polls += 1;
      const answer = this.answers.get(`${invocation.request.document}/${invocation.instanceId}`) ??
        this.answers.get(invocation.request.document) ?? { status: 'Success' };
      const running = invocation.polls <= (answer.pendingPolls ?? 0);
      return {
        commandId,
        instanceId: invocation.instanceId,
        status: running ? 'InProgress' : answer.status,
        responseCode: running ? undefined : (answer.responseCode ?? (answer.status === 'Success' ? 0 : 1)),
        output: running ? '' : (answer.output ?? ''),
      };
    });
  }

  documentsSentTo(instanceId: string): string[] {
    return this.sent.filter((request) => request.instanceIds.includes(instanceId)).map((request) => request.document);
  }
}
