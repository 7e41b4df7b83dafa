// `npm run bench -- --digest`: how large the digest of a mass stall is, and how long it takes to build, for 150,
// 1,000 and 10,000 affected servers (docs/design.md sections 7 and 12). Each size is one scheduled run of the real
// core against the demo's mass-stall world (scripts/lib/demo-mass-stall.ts, in memory), scaled up: every server
// stalls with AGENT_NOT_SEEN, one sampled restart fails, the fleet is planned in waves of applications. The digest
// the run published is measured as SNS would receive it; then the same input is composed again to time the build.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { composeSnsMessage } from '../../lambdas/adapters/sns-outcome-publisher';
import { findCommonCauses } from '../../lambdas/core/common-cause';
import { composeDigest, type DigestInput } from '../../lambdas/core/digest';
import type { Digest } from '../../lambdas/core/model';
import type { RunReport } from '../../lambdas/core/report';
import { orderByNews } from '../../lambdas/core/run/assign-news';
import { runDoctor } from '../../lambdas/core/run/run-doctor';
import { DEMO_ACCOUNT_ID, DEMO_REGION } from '../lib/demo-fleet';
import { massStallAccount, MASS_STALL_SETTINGS } from '../lib/demo-mass-stall';
import { SimulatedAccount } from '../lib/simulated-account';

const LEDGER_TABLE = 'mgn-replication-doctor-Ledger';
const BUILDS = 7;

export interface DigestSize {
  readonly affected: number;
  readonly textBytes: number;
  readonly textLines: number;
  readonly smsChars: number;
  readonly subjectChars: number;
  readonly snsMessageBytes: number;
  /** Every affected server's ID is in the text. */
  readonly everyServerNamed: boolean;
  /** Median of BUILDS compositions of the same input, milliseconds. */
  readonly buildMs: number;
}

/** The digest input as the run composed it, from its report (checked against what it published). */
function digestInputOf(report: RunReport, now: Date): DigestInput {
  // As the run tells them: followed servers with news, or still open.
  const told = report.servers.filter(
    (server) => server.entry !== undefined && (server.news !== undefined || server.entry.status !== 'CLOSED'),
  );
  const held = told.filter((server) => server.blocker === 'HELD').length;
  return {
    region: DEMO_REGION,
    accountId: DEMO_ACCOUNT_ID,
    ledgerTableName: LEDGER_TABLE,
    runId: report.runId,
    trigger: report.trigger,
    dryRun: report.dryRun,
    now,
    counts: report.counts,
    news: orderByNews(report.servers.filter((server) => server.news !== undefined)),
    unresolved: told.filter((server) => server.news === undefined),
    findings: findCommonCauses(told, held),
  };
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function measureDigest(affected: number): Promise<DigestSize> {
  // No healthy servers, so no free-period notices: the digest is the mass stall's alone.
  const world = { stalled: affected, healthy: 0, serversPerApplication: 50, applicationsPerWave: 4 };
  const account = new SimulatedAccount(massStallAccount(world));
  const now = account.clock.now();
  const report = await runDoctor(
    { runId: `bench-digest-${affected}`, trigger: 'schedule' },
    MASS_STALL_SETTINGS,
    { region: DEMO_REGION, accountId: DEMO_ACCOUNT_ID, ledgerTableName: LEDGER_TABLE },
    account.dependencies(),
  );
  const [published] = account.publisher.published;
  if (!published) throw new Error(`no digest published for ${affected} affected servers`);
  const input = digestInputOf(report, now);
  const builds: number[] = [];
  let built: Digest | undefined;
  for (let build = 0; build < BUILDS; build++) {
    const started = performance.now();
    built = composeDigest(input);
    builds.push(performance.now() - started);
  }
  if (built?.text !== published.text) throw new Error('the timed digest differs from the one the run published');
  return {
    affected,
    textBytes: Buffer.byteLength(published.text, 'utf8'),
    textLines: published.text.split('\n').length,
    smsChars: published.sms.length,
    subjectChars: published.subject.length,
    snsMessageBytes: Buffer.byteLength(composeSnsMessage(published), 'utf8'),
    everyServerNamed: report.servers.every((server) => published.text.includes(server.server.sourceServerId)),
    buildMs: median(builds),
  };
}

export function formatDigestSizes(sizes: readonly DigestSize[]): string[] {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  return [
    '| affected servers | e-mail text | lines | every ID named | SMS chars | subject chars | SNS message | build (median of 7) |',
    '| ---------------: | ----------: | ----: | :------------- | --------: | ------------: | ----------: | ------------------: |',
    ...sizes.map(
      (size) =>
        `| ${size.affected.toLocaleString('en-US')} | ${kb(size.textBytes)} | ${size.textLines} | ${size.everyServerNamed ? 'yes' : 'no'} | ${size.smsChars} | ${size.subjectChars} | ${kb(size.snsMessageBytes)} | ${size.buildMs.toFixed(1)} ms |`,
    ),
  ];
}

export async function main(argv: readonly string[], write: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { sizes: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const sizes = (values.sizes ?? '150,1000,10000').split(',').map((size) => Number(size.trim().replace(/_/g, '')));
  if (sizes.some((size) => !Number.isInteger(size) || size < 11 || size > 60_000))
    throw new RangeError('--sizes: whole numbers from 11 (the servers in no application, and one more) to 60000');
  const results: DigestSize[] = [];
  for (const size of sizes) results.push(await measureDigest(size));
  if (values.json) write(JSON.stringify(results, null, 2));
  else for (const line of formatDigestSizes(results)) write(line);
  return 0;
}
