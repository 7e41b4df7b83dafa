import {
  InvalidInstanceId,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
  type CommandInvocation,
  type SendCommandCommandInput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { CommandRequest } from '../../../lambdas/core/model';
import { SsmCommandRunner, type SsmCommandRunnerOptions } from '../../../lambdas/adapters/ssm-command-runner';

const ssmMock = mockClient(SSMClient);

const OPTIONS: SsmCommandRunnerOptions = {
  documentNames: {
    RestartReplicationAgent: 'MgnDoctor-RestartReplicationAgent-1A2B3C4D5E6F',
    CheckDiskSpace: 'MgnDoctor-CheckDiskSpace-1A2B3C4D5E6F',
    CheckConnectivity: 'MgnDoctor-CheckConnectivity-1A2B3C4D5E6F',
  },
  logGroupName: '/mgn-replication-doctor/commands',
};
const COMMAND_ID = 'e1b5c9a0-3f2d-4c6b-9a8e-7d6f5e4c3b2a';
const hybridId = (n: number): string => `mi-${n.toString(16).padStart(17, '0')}`;
const commandId = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const request = (instanceIds: readonly string[], overrides: Partial<CommandRequest> = {}): CommandRequest => ({
  document: 'CheckDiskSpace',
  instanceIds,
  parameters: { minFreeRootMiB: ['2048'], minFreeTmpMiB: ['500'] },
  comment: 'mgn-replication-doctor run 7f3c: STALLED AGENT_NOT_SEEN',
  ...overrides,
});

/** Answers each SendCommand with a command ID numbered by the batch's first instance. */
function answerWithCommandIds(): void {
  ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => ({
    Command: { CommandId: commandId(Number.parseInt((input.InstanceIds?.[0] ?? 'mi-0').slice(3), 16)) },
  }));
}

beforeEach(() => ssmMock.reset());

describe('SsmCommandRunner.sendCommand', () => {
  it('sends 120 hosts as three commands of 50, 50 and 20, one result per batch', async () => {
    // Arrange
    const ids = Array.from({ length: 120 }, (_, n) => hybridId(n));
    answerWithCommandIds();
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.sendCommand(request(ids));

    // Assert
    const sent = ssmMock.commandCalls(SendCommandCommand).map((call) => call.args[0].input.InstanceIds);
    expect(sent.map((batch) => batch?.length)).toEqual([50, 50, 20]);
    expect(sent.flat()).toEqual(ids);
    expect(results).toEqual([
      { instanceIds: ids.slice(0, 50), commandId: commandId(0) },
      { instanceIds: ids.slice(50, 100), commandId: commandId(50) },
      { instanceIds: ids.slice(100), commandId: commandId(100) },
    ]);
  });

  it("sends the role's document so that one failing host never stops the others, with output in CloudWatch", async () => {
    // Arrange
    answerWithCommandIds();
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    await runner.sendCommand(
      request([hybridId(1), 'i-0fedcba9876543210'], { document: 'RestartReplicationAgent', parameters: {} }),
    );

    // Assert
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: 'MgnDoctor-RestartReplicationAgent-1A2B3C4D5E6F',
      // The version the stack deployed, never $LATEST: an ssm:UpdateDocument by anyone else is never run.
      DocumentVersion: '1',
      InstanceIds: [hybridId(1), 'i-0fedcba9876543210'],
      Parameters: {},
      Comment: 'mgn-replication-doctor run 7f3c: STALLED AGENT_NOT_SEEN',
      MaxErrors: '100%',
      MaxConcurrency: '50',
      TimeoutSeconds: 600,
      CloudWatchOutputConfig: {
        CloudWatchOutputEnabled: true,
        CloudWatchLogGroupName: '/mgn-replication-doctor/commands',
      },
    });
  });

  it('copies the parameters and honours a configured delivery timeout', async () => {
    // Arrange
    answerWithCommandIds();
    const runner = new SsmCommandRunner(new SSMClient({}), { ...OPTIONS, deliveryTimeoutSeconds: 120 });
    const parameters = { targets: ['mgn.us-east-1.amazonaws.com:443', '10.0.9.10:1500'] } as const;

    // Act
    await runner.sendCommand(request([hybridId(1)], { document: 'CheckConnectivity', parameters }));

    // Assert
    const input = ssmMock.commandCalls(SendCommandCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      DocumentName: OPTIONS.documentNames.CheckConnectivity,
      TimeoutSeconds: 120,
      Parameters: parameters,
    });
    expect(input?.Parameters?.targets).not.toBe(parameters.targets);
  });

  it("gives each batch only its own hosts' per-instance values", async () => {
    // Arrange
    answerWithCommandIds();
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);
    const ids = Array.from({ length: 60 }, (_, index) => hybridId(index + 1));
    const ips = Object.fromEntries(
      ids.filter((_, index) => index % 2 === 0).map((id, index) => [id, `10.0.0.${index + 1}`]),
    );

    // Act
    await runner.sendCommand(
      request(ids, {
        document: 'CheckConnectivity',
        parameters: { region: ['us-east-1'] },
        instanceParameters: { replicationServerIps: ips },
      }),
    );

    // Assert
    const inputs = ssmMock.commandCalls(SendCommandCommand).map((call) => call.args[0].input);
    expect(inputs).toHaveLength(2);
    const mappingOf = (index: number): string[] =>
      inputs[index]?.Parameters?.replicationServerIps?.[0]?.split(',') ?? [];
    expect(mappingOf(0)).toHaveLength(25);
    expect(mappingOf(1)).toHaveLength(5);
    for (const [index, input] of inputs.entries()) {
      expect(input.Parameters?.region).toEqual(['us-east-1']);
      for (const entry of mappingOf(index)) {
        const [id, ip] = entry.split('=');
        expect(input.InstanceIds).toContain(id);
        expect(ips[id ?? '']).toBe(ip);
      }
    }
  });

  it('cuts the comment to 100 characters', async () => {
    // Arrange
    answerWithCommandIds();
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    await runner.sendCommand(request([hybridId(1)], { comment: `mgn-replication-doctor ${'x'.repeat(200)}` }));

    // Assert
    const comment = ssmMock.commandCalls(SendCommandCommand)[0]?.args[0].input.Comment ?? '';
    expect(comment).toHaveLength(100);
    expect(comment.startsWith('mgn-replication-doctor xxx')).toBe(true);
  });

  it('does not split a surrogate pair when cutting the comment', async () => {
    // Arrange
    answerWithCommandIds();
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    await runner.sendCommand(request([hybridId(1)], { comment: `${'a'.repeat(99)}\u{1F6A8} stalled` }));

    // Assert
    expect(ssmMock.commandCalls(SendCommandCommand)[0]?.args[0].input.Comment).toBe('a'.repeat(99));
  });

  it("keeps a failed batch's error with that batch while the others get command IDs, and never throws", async () => {
    // Arrange
    const ids = Array.from({ length: 120 }, (_, n) => hybridId(n));
    answerWithCommandIds();
    ssmMock
      .on(SendCommandCommand, { InstanceIds: ids.slice(50, 100) })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.sendCommand(request(ids));

    // Assert
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 3);
    expect(results).toEqual([
      { instanceIds: ids.slice(0, 50), commandId: commandId(0) },
      { instanceIds: ids.slice(50, 100), error: 'ThrottlingException: Rate exceeded' },
      { instanceIds: ids.slice(100), commandId: commandId(100) },
    ]);
  });

  it('sets apart a node SSM names as not valid and sends the rest of its batch again', async () => {
    // Arrange
    const ids = Array.from({ length: 120 }, (_, n) => hybridId(n));
    const message = `Instances [[${hybridId(50)}]] not in a valid state for account 111122223333`;
    ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
      if (input.InstanceIds?.includes(hybridId(50))) throw new InvalidInstanceId({ message, $metadata: {} });
      return { Command: { CommandId: commandId(Number.parseInt((input.InstanceIds?.[0] ?? 'mi-0').slice(3), 16)) } };
    });
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.sendCommand(request(ids));

    // Assert
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 4);
    expect(results).toEqual(
      expect.arrayContaining([
        { instanceIds: [hybridId(50)], error: `InvalidInstanceId: ${message}`, refusal: 'REFUSED' },
        { instanceIds: ids.slice(51, 100), commandId: commandId(51) },
      ]),
    );
    const sent = results.flatMap((result) => ('commandId' in result ? result.instanceIds : []));
    expect(sent).toHaveLength(119);
  });

  it('halves a batch whose refusal names no node, until the refused node stands alone', async () => {
    // Arrange
    const ids = Array.from({ length: 8 }, (_, n) => hybridId(n));
    ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
      if (input.InstanceIds?.includes(hybridId(5))) {
        throw new InvalidInstanceId({ message: 'Instances not in a valid state', $metadata: {} });
      }
      return { Command: { CommandId: commandId(Number.parseInt((input.InstanceIds?.[0] ?? 'mi-0').slice(3), 16)) } };
    });
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.sendCommand(request(ids));

    // Assert
    const refused = results.filter((result) => 'refusal' in result);
    expect(refused).toEqual([
      { instanceIds: [hybridId(5)], error: 'InvalidInstanceId: Instances not in a valid state', refusal: 'REFUSED' },
    ]);
    expect(results.flatMap((result) => ('commandId' in result ? result.instanceIds : []))).toHaveLength(7);
    expect(ssmMock.commandCalls(SendCommandCommand).length).toBeLessThanOrEqual(1 + 2 * Math.log2(8));
  });

  it("reports a node IAM's tag condition keeps out as not opted in, and sends the others", async () => {
    // Arrange
    const ids = [hybridId(1), hybridId(2), hybridId(3)];
    const denied =
      'User: arn:aws:sts::111122223333:assumed-role/Doctor/fn is not authorized to perform: ssm:SendCommand on ' +
      `resource: arn:aws:ssm:us-east-1:111122223333:managed-instance/${hybridId(2)} because no identity-based ` +
      'policy allows the ssm:SendCommand action';
    ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
      if (input.InstanceIds?.includes(hybridId(2))) {
        throw Object.assign(new Error(denied), { name: 'AccessDeniedException' });
      }
      return { Command: { CommandId: commandId(1) } };
    });
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.sendCommand(request(ids));

    // Assert
    expect(results).toEqual([
      { instanceIds: [hybridId(2)], error: `AccessDeniedException: ${denied}`, refusal: 'NOT_OPTED_IN' },
      { instanceIds: [hybridId(1), hybridId(3)], commandId: commandId(1) },
    ]);
  });

  it('keeps an access denial that names no node (the document, a key) as the batch error', async () => {
    ssmMock.on(SendCommandCommand).rejects(
      Object.assign(new Error('not authorized on resource: arn:aws:ssm:us-east-1:111122223333:document/X'), {
        name: 'AccessDeniedException',
      }),
    );
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);
    const results = await runner.sendCommand(request([hybridId(1), hybridId(2)]));
    expect(results).toHaveLength(1);
    expect(results[0]).not.toHaveProperty('refusal');
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 1);
  });

  it('sends the batches concurrently', async () => {
    // Arrange: each send waits until all three have started; sequential sends would never get there.
    const ids = Array.from({ length: 120 }, (_, n) => hybridId(n));
    let started = 0;
    let releaseAll: () => void = () => undefined;
    const allStarted = new Promise<void>((resolve) => (releaseAll = resolve));
    ssmMock.on(SendCommandCommand).callsFake(async () => {
      started += 1;
      if (started === 3) releaseAll();
      await Promise.race([allStarted, new Promise((resolve) => setTimeout(resolve, 500))]);
      return { Command: { CommandId: started === 3 ? COMMAND_ID : 'sequential' } };
    });
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.sendCommand(request(ids));

    // Assert
    expect(results.map((result) => ('commandId' in result ? result.commandId : result.error))).toEqual([
      COMMAND_ID,
      COMMAND_ID,
      COMMAND_ID,
    ]);
  });

  it("reports a response without a command ID as that batch's error", async () => {
    // Arrange
    ssmMock.on(SendCommandCommand).resolves({});
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.sendCommand(request([hybridId(1)]));

    // Assert
    expect(results).toEqual([{ instanceIds: [hybridId(1)], error: 'SendCommand returned no command ID' }]);
  });

  it('sends each instance once, and nothing for no instances', async () => {
    // Arrange
    answerWithCommandIds();
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const none = await runner.sendCommand(request([]));
    const results = await runner.sendCommand(request([hybridId(1), hybridId(1), hybridId(2)]));

    // Assert
    expect(none).toEqual([]);
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(results).toEqual([{ instanceIds: [hybridId(1), hybridId(2)], commandId: commandId(1) }]);
  });
});

describe('SsmCommandRunner.listInvocations', () => {
  const invocation = (instanceId: string, overrides: Partial<CommandInvocation> = {}): CommandInvocation => ({
    CommandId: COMMAND_ID,
    InstanceId: instanceId,
    DocumentName: OPTIONS.documentNames.CheckDiskSpace,
    Status: 'Success',
    StatusDetails: 'Success',
    CommandPlugins: [
      { Name: 'CheckDiskLinux', Status: 'Success', ResponseCode: 0, Output: 'MGN_DOCTOR root_free_mib=10240' },
    ],
    ...overrides,
  });

  it('reads every page with details, 50 at a time', async () => {
    // Arrange
    ssmMock
      .on(ListCommandInvocationsCommand)
      .resolvesOnce({ CommandInvocations: [invocation(hybridId(1)), invocation(hybridId(2))], NextToken: 'page-2' })
      .resolvesOnce({ CommandInvocations: [invocation(hybridId(3))], NextToken: 'page-3' })
      .resolvesOnce({ CommandInvocations: [invocation(hybridId(4))] });
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.listInvocations(COMMAND_ID);

    // Assert
    expect(results.map((result) => result.instanceId)).toEqual([hybridId(1), hybridId(2), hybridId(3), hybridId(4)]);
    expect(ssmMock).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 3);
    expect(ssmMock).toHaveReceivedNthSpecificCommandWith(1, ListCommandInvocationsCommand, {
      CommandId: COMMAND_ID,
      Details: true,
      MaxResults: 50,
      NextToken: undefined,
    });
    expect(ssmMock).toHaveReceivedNthSpecificCommandWith(2, ListCommandInvocationsCommand, {
      CommandId: COMMAND_ID,
      NextToken: 'page-2',
    });
    expect(ssmMock).toHaveReceivedNthSpecificCommandWith(3, ListCommandInvocationsCommand, {
      CommandId: COMMAND_ID,
      NextToken: 'page-3',
    });
  });

  it("joins the plugins' output and takes the first non-zero response code", async () => {
    // Arrange: a schema 2.2 document, Windows step skipped by its precondition, Linux step failed.
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        invocation(hybridId(1), {
          Status: 'Failed',
          StatusDetails: 'Failed',
          CommandPlugins: [
            {
              Name: 'CheckDiskWindows',
              Status: 'Success',
              ResponseCode: 0,
              Output: 'Step execution skipped due to unsatisfied preconditions.',
            },
            {
              Name: 'CheckDiskLinux',
              Status: 'Failed',
              ResponseCode: 2,
              Output: 'MGN_DOCTOR root_free_mib=812\nMGN_DOCTOR verdict=LOW_DISK',
            },
            { Name: 'Report', Status: 'Failed', ResponseCode: 1 },
          ],
        }),
      ],
    });
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const [result] = await runner.listInvocations(COMMAND_ID);

    // Assert
    expect(result).toEqual({
      commandId: COMMAND_ID,
      instanceId: hybridId(1),
      status: 'Failed',
      statusDetails: 'Failed',
      responseCode: 2,
      output:
        'Step execution skipped due to unsatisfied preconditions.\nMGN_DOCTOR root_free_mib=812\nMGN_DOCTOR verdict=LOW_DISK',
    });
  });

  it('keeps a successful code of 0, and no code while nothing has run', async () => {
    // Arrange
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        invocation(hybridId(1)),
        invocation(hybridId(2), { Status: 'Pending', StatusDetails: 'Pending', CommandPlugins: [] }),
        invocation(hybridId(3), { Status: 'TimedOut', StatusDetails: 'Delivery Timed Out', CommandPlugins: undefined }),
      ],
    });
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act
    const results = await runner.listInvocations(COMMAND_ID);

    // Assert
    expect(results.map((result) => [result.status, result.statusDetails, result.responseCode, result.output])).toEqual([
      ['Success', 'Success', 0, 'MGN_DOCTOR root_free_mib=10240'],
      ['Pending', 'Pending', undefined, ''],
      ['TimedOut', 'Delivery Timed Out', undefined, ''],
    ]);
  });

  it('lets API errors propagate', async () => {
    // Arrange
    ssmMock
      .on(ListCommandInvocationsCommand)
      .rejects(Object.assign(new Error('Command ID is not valid'), { name: 'InvalidCommandId' }));
    const runner = new SsmCommandRunner(new SSMClient({}), OPTIONS);

    // Act / Assert
    await expect(runner.listInvocations(COMMAND_ID)).rejects.toMatchObject({ name: 'InvalidCommandId' });
  });
});
