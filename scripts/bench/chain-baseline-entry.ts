// The baseline of the benchmark's wall-time ratio (docs/design.md section 12): the calls of the I/O floor's chain and
// nothing else, made as the handler makes them (its clients, built at module load from the same environment, and
// its adapters), each as early as the floor allows, with none of the doctor's decisions: every stalled server is
// treated on the node its name finds, its three ledger writes and its playbook's documents go out in the doctor's
// stages, one digest at the end. Bundled with the handler's options and run like it, so that the handler's wall time ÷
// this one's leaves out what every SDK call costs on the machine's CPU and keeps what the doctor adds: its own work
// between the calls, and any call made later than the floor allows.
import { PublishCommand } from '@aws-sdk/client-sns';
import { createOwnAccountPorts } from '../../lambdas/adapters/account-ports';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import type { LedgerEntry } from '../../lambdas/core/ledger';
import { choosePlaybook } from '../../lambdas/core/playbook';
import type { CommandBatchResult, DocumentRole, ManagedNode, SourceServer } from '../../lambdas/core/model';
import { awsCallTracing } from '../../lambdas/shared/aws-call-tracing';
import { parseRuntimeConfig } from '../../lambdas/shared/runtime-config';

const config = parseRuntimeConfig(process.env);
const clients = createAwsClients({ instrument: awsCallTracing(config.traceAwsCalls) });
const ports = createOwnAccountPorts(clients, config);

const isStalled = (server: SourceServer): boolean => server.dataReplicationState === 'STALLED';

/**
 * The MGN listing beside the ledger scan; the inventory once a page shows a stalled server and the scan is in
 * (undefined when no page did: the doctor lists it only when it will treat a server).
 */
async function readFleet(): Promise<{ servers: SourceServer[]; nodes?: ManagedNode[] }> {
  const scan = ports.ledger.loadEntries();
  let listing: Promise<ManagedNode[]> | undefined;
  const servers = await ports.servers.listSourceServers(undefined, (page) => {
    if (!listing && page.some(isStalled)) listing = scan.then(() => ports.nodes.listNodes());
  });
  await scan;
  return { servers, ...(listing && { nodes: await listing }) };
}

const entry = (server: SourceServer, node: ManagedNode, version: number, now: string): LedgerEntry => ({
  sourceServerId: server.sourceServerId,
  version,
  status: 'OPEN',
  condition: 'STALLED',
  ...(server.errorCode === undefined ? {} : { errorCode: server.errorCode }),
  ...(server.hostname === undefined ? {} : { hostname: server.hostname }),
  since: now,
  attempts: 1,
  lastAttemptAt: now,
  nodeId: node.instanceId,
  treatments: [{ at: now, runId: 'chain-baseline', commands: [] }],
});

/** Each host document's nodes, as the playbook of each server's error names them (lambdas/core/playbook.ts). */
function nodesByDocument(targets: readonly { server: SourceServer; node: ManagedNode }[]): Map<DocumentRole, string[]> {
  const byDocument = new Map<DocumentRole, string[]>();
  for (const { server, node } of targets)
    for (const document of choosePlaybook('STALLED', server.errorCode)?.hostDocuments ?? []) {
      const nodes = byDocument.get(document) ?? [];
      nodes.push(node.instanceId);
      byDocument.set(document, nodes);
    }
  return byDocument;
}

export async function handler(): Promise<{ treated: number; commands: number }> {
  const now = new Date().toISOString();
  const { servers, nodes } = await readFleet();
  if (nodes === undefined) return { treated: 0, commands: 0 };
  const byName = new Map(nodes.map((node) => [node.computerName, node]));
  await ports.nodeCache?.save({ listedAt: now, nodes });
  const targets = servers.flatMap((server) => {
    const node = isStalled(server) ? byName.get(server.fqdn ?? server.hostname) : undefined;
    return node ? [{ server, node }] : [];
  });
  if (targets.length === 0) return { treated: 0, commands: 0 };
  await ports.ledger.saveEntries(targets.map(({ server, node }) => entry(server, node, 1, now)));
  const sent = await Promise.all(
    [...nodesByDocument(targets)].map(([document, instanceIds]) =>
      ports.commands.sendCommand({ document, instanceIds, parameters: {}, comment: 'chain baseline' }),
    ),
  );
  const commandIds = sent
    .flat()
    .flatMap((batch: CommandBatchResult) => ('commandId' in batch ? [batch.commandId] : []));
  await ports.ledger.saveEntries(targets.map(({ server, node }) => entry(server, node, 2, now)));
  const invocations = await Promise.all(commandIds.map((commandId) => ports.commands.listInvocations(commandId)));
  await ports.ledger.saveEntries(targets.map(({ server, node }) => entry(server, node, 3, now)));
  const lines = invocations.flat().map((invocation) => `${invocation.instanceId} ${invocation.status}`);
  await clients.sns.send(
    new PublishCommand({ TopicArn: config.topicArn, Subject: 'chain baseline', Message: lines.join('\n') }),
  );
  return { treated: targets.length, commands: commandIds.length };
}
