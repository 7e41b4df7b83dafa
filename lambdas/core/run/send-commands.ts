// Sending the host documents: one request per document (the runner splits it into batches of 50), with what
// differs per host as a per-instance parameter, so the number of calls does not grow with the fleet's variety.
import { errorText, mapWithConcurrency } from '../concurrency';
import type { CommandRecord } from '../ledger';
import type { CommandRefusal, CommandRequest, DocumentRole } from '../model';
import { commentSafeCode, isIpv4Address } from '../text';
import { DOCUMENTS } from '../../shared/documents';
import type { DoctorSettings } from '../../shared/settings';
import { CALL_CONCURRENCY, type DoctorDependencies, type RunEnvironment } from './dependencies';
import { nodeIdOf, playbookOf, type ServerPlan } from './server-plan';

const TOOL = 'mgn-replication-doctor';

/** What sending did for one server: the commands SSM accepted, and why the others were not sent. */
export interface SendOutcome {
  readonly commands: readonly CommandRecord[];
  readonly sendErrors: readonly string[];
  /** Set when SSM refused this server's node itself (not a passing error): nothing will reach it. */
  readonly refusal?: CommandRefusal;
}

export async function sendHostCommands(
  plans: readonly ServerPlan[],
  runId: string,
  settings: DoctorSettings,
  environment: RunEnvironment,
  deps: DoctorDependencies,
): Promise<Map<string, SendOutcome>> {
  const replicationServerIps = await findReplicationServerIps(plans, deps);
  const requests = buildRequests(plans, runId, settings, environment, replicationServerIps);
  const outcomes = new Map<string, SendOutcome>();
  const record = (sourceServerId: string, change: (outcome: SendOutcome) => SendOutcome): void => {
    outcomes.set(sourceServerId, change(outcomes.get(sourceServerId) ?? { commands: [], sendErrors: [] }));
  };
  const requestedAt = deps.clock.now().toISOString();
  await mapWithConcurrency(requests, CALL_CONCURRENCY, async ({ command, members }) => {
    for (const batch of await deps.commands.sendCommand(command)) {
      for (const plan of members.filter((member) => batch.instanceIds.includes(nodeIdOf(member) ?? ''))) {
        const instanceId = nodeIdOf(plan) as string;
        const { document } = command;
        if ('commandId' in batch) {
          const sent: CommandRecord = {
            commandId: batch.commandId,
            document,
            instanceId,
            requestedAt,
            status: 'Pending',
          };
          record(plan.server.sourceServerId, (outcome) => ({ ...outcome, commands: [...outcome.commands, sent] }));
        } else {
          record(plan.server.sourceServerId, (outcome) => ({
            ...outcome,
            sendErrors: [...outcome.sendErrors, `${document}: ${batch.error}`],
            refusal: batch.refusal ?? outcome.refusal,
          }));
        }
      }
    }
  });
  return outcomes;
}

interface PlannedRequest {
  readonly command: CommandRequest;
  readonly members: readonly ServerPlan[];
}

function buildRequests(
  plans: readonly ServerPlan[],
  runId: string,
  settings: DoctorSettings,
  environment: RunEnvironment,
  replicationServerIps: ReadonlyMap<string, string>,
): PlannedRequest[] {
  const byDocument = new Map<DocumentRole, ServerPlan[]>();
  for (const plan of plans) {
    if (nodeIdOf(plan) === undefined) continue;
    for (const document of plan.hostDocuments) byDocument.set(document, [...(byDocument.get(document) ?? []), plan]);
  }
  return [...byDocument].map(([document, members]) => {
    const spec = DOCUMENTS[document];
    const perHost = spec.perHostParameter
      ? { [spec.perHostParameter]: perHostValues(members, replicationServerIps) }
      : undefined;
    return {
      members,
      command: {
        document,
        instanceIds: members.map((plan) => nodeIdOf(plan) as string),
        parameters: spec.parameters({ settings, region: environment.region }),
        instanceParameters: perHost,
        comment: commentFor(runId, members),
      },
    };
  });
}

/** Each host's replication server, by node ID: only values that are what the document's pattern expects. */
function perHostValues(members: readonly ServerPlan[], ips: ReadonlyMap<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const plan of members) {
    const ip = ips.get(plan.server.replicatorId ?? '');
    if (ip !== undefined && isIpv4Address(ip)) values[nodeIdOf(plan) as string] = ip;
  }
  return values;
}

/** The command's comment: only words the doctor wrote (condition names, sanitised codes), at most 100 characters. */
export function commentFor(runId: string, plans: readonly ServerPlan[]): string {
  const counts = new Map<string, number>();
  for (const { classification, server } of plans) {
    const label = `${classification.condition}${server.errorCode ? ` ${commentSafeCode(server.errorCode)}` : ''}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const conditions = [...counts].map(([label, count]) => (count > 1 ? `${label} x${count}` : label)).join(', ');
  return `${TOOL} run ${runId}: ${conditions}`.slice(0, 100);
}

/** Replication-server IPs, only for playbooks that need them and only valid IPv4 addresses. */
async function findReplicationServerIps(
  plans: readonly ServerPlan[],
  deps: DoctorDependencies,
): Promise<Map<string, string>> {
  const replicatorIds = plans
    .filter(
      (plan) =>
        playbookOf(plan.step)?.needsReplicationServerIps &&
        plan.hostDocuments.some((document) => DOCUMENTS[document].perHostParameter !== undefined) &&
        plan.server.replicatorId,
    )
    .map((plan) => plan.server.replicatorId as string);
  if (replicatorIds.length === 0 || !deps.replicationServers) return new Map();
  try {
    const found = await deps.replicationServers.findPrivateIps([...new Set(replicatorIds)]);
    const valid = [...found].filter(([replicatorId, ip]) => {
      if (isIpv4Address(ip)) return true;
      deps.log.warn('Ignoring a replication-server address that is not an IPv4 address', { replicatorId });
      return false;
    });
    return new Map(valid);
  } catch (error) {
    // The check still runs against MGN and S3; only the replication-server port is left out.
    deps.log.warn('Could not look up replication servers', { error: errorText(error) });
    return new Map();
  }
}
