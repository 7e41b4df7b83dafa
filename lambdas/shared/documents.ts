// The registry of the stack's SSM Command documents: one entry per role says where the document is written,
// how its deployed name reaches the Lambda, which parameters the doctor sends, and how its output is read.
// Everything that lists the documents (the construct, the stack outputs, the runtime config, the run, the CLI,
// the tests) iterates this registry; adding a document is one entry here plus its YAML file (CONTRIBUTING.md).
// Constants and pure functions only: the stack imports it without Lambda code, the Lambda without aws-cdk-lib.
import {
  isHostLimit,
  parseConnectivityTargets,
  parseDoctorLines,
  summarizeCommandOutput,
} from '../core/command-output';
import { clip } from '../core/text';
import type { DocumentRole } from '../core/model';
import { ENV } from './environment';
import type { DoctorSettings } from './settings';

/** What a document's parameters may depend on. */
export interface ParameterContext {
  readonly settings: DoctorSettings;
  readonly region: string;
}

export interface DocumentSpec {
  /** The YAML file under lib/ssm-documents/. */
  readonly file: string;
  /** The environment variable that carries the deployed document name to the Lambda. */
  readonly environmentName: string;
  /** Parameters shared by every host of one command. */
  readonly parameters: (context: ParameterContext) => Record<string, string[]>;
  /** A parameter whose value differs per host, sent as `nodeId=value,…` (each host picks its own entry). */
  readonly perHostParameter?: string;
  /** The key output lines of one invocation, for the ledger and the digest. */
  readonly summarize: (output: string) => string;
}

const summarizeFirstLines = (output: string): string => summarizeCommandOutput(output, 400);

/**
 * Connectivity gets one word per target (reachable, refused, timed_out, …): a person sees which path is blocked.
 * Targets the host itself could not check (tls_unverified, tls_unsupported) are said up front not to be endpoint
 * failures.
 */
function summarizeConnectivity(output: string): string {
  const targets = parseConnectivityTargets(output);
  if (targets.length === 0) return summarizeFirstLines(output);
  const status = parseDoctorLines(output).find((line) => line.check === 'connectivity' && line.status)?.status;
  const list = targets.map(({ target, result }) => `${target} ${result}`).join(', ');
  const unverified = targets.filter(({ result }) => isHostLimit(result)).length;
  const note =
    unverified > 0 ? ` (${unverified} not verified: this host cannot check TLS; not an endpoint failure)` : '';
  const head = `${status ? `status=${status}` : ''}${note}`.trim();
  return clip(`${head ? `${head}: ` : ''}${list}`, 900);
}

export const DOCUMENTS: Readonly<Record<DocumentRole, DocumentSpec>> = {
  RestartReplicationAgent: {
    file: 'restart-replication-agent.yaml',
    environmentName: ENV.restartAgentDocument,
    parameters: () => ({}),
    summarize: summarizeFirstLines,
  },
  CheckDiskSpace: {
    file: 'check-disk-space.yaml',
    environmentName: ENV.checkDiskDocument,
    parameters: ({ settings }) => ({
      minFreeRootMiB: [String(settings.minFreeRootMiB)],
      minFreeTmpMiB: [String(settings.minFreeTmpMiB)],
    }),
    summarize: summarizeFirstLines,
  },
  CheckConnectivity: {
    file: 'check-connectivity.yaml',
    environmentName: ENV.checkConnectivityDocument,
    parameters: ({ region }) => ({ region: [region] }),
    perHostParameter: 'replicationServerIps',
    summarize: summarizeConnectivity,
  },
};

export const DOCUMENT_ROLES = Object.keys(DOCUMENTS) as DocumentRole[];
