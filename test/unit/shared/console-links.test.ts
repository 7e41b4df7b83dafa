// Console links by partition (lambdas/shared/console-links.ts): the stack's outputs and dashboard and the Lambda's
// digest build them from the Region alone.
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { composeDigest } from '../../../lambdas/core/digest';
import { classifyServer } from '../../../lambdas/core/classify';
import { choosePlaybook } from '../../../lambdas/core/playbook';
import {
  CONSOLE_DOMAINS,
  consoleOrigin,
  dashboardUrl,
  logGroupUrl,
  partitionOf,
  runCommandHistoryUrl,
  type ConsolePartition,
} from '../../../lambdas/shared/console-links';
import { aStalledServer } from '../../fakes/builders';

describe('partitionOf', () => {
  it('agrees with CDK’s Region facts for every Region of the commercial, China and GovCloud partitions', () => {
    const known = RegionInfo.regions.filter((region) => (region.partition ?? '') in CONSOLE_DOMAINS);
    expect(known.map((region) => region.partition)).toEqual(
      expect.arrayContaining<ConsolePartition>(['aws', 'aws-cn', 'aws-us-gov']),
    );
    for (const region of known)
      expect([region.name, partitionOf(region.name)]).toEqual([region.name, region.partition]);
  });
});

describe('console links', () => {
  it.each([
    ['us-east-1', 'https://us-east-1.console.aws.amazon.com'],
    ['cn-northwest-1', 'https://cn-northwest-1.console.amazonaws.cn'],
    ['us-gov-east-1', 'https://us-gov-east-1.console.amazonaws-us-gov.com'],
  ])('%s → %s', (region, origin) => {
    expect(consoleOrigin(region)).toBe(origin);
    expect(runCommandHistoryUrl(region)).toBe(
      `${origin}/systems-manager/run-command/complete-commands?region=${region}`,
    );
    expect(dashboardUrl(region, 'Doctor')).toBe(`${origin}/cloudwatch/home?region=${region}#dashboards:name=Doctor`);
  });

  it('writes a log group name’s slashes the way the CloudWatch console reads them', () => {
    expect(logGroupUrl('eu-west-1', '/aws/lambda/doctor')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fdoctor',
    );
  });
});

describe('the digest in China and GovCloud', () => {
  it.each([
    ['cn-north-1', 'https://cn-north-1.console.amazonaws.cn'],
    ['us-gov-west-1', 'https://us-gov-west-1.console.amazonaws-us-gov.com'],
  ])('links %s’s own console for the history, the server and the command', (region, origin) => {
    const server = aStalledServer({ hostname: 'web01' });
    const classification = classifyServer(server, { lagAlertMinutes: 60, optOutTagKey: 'opt-out' });
    const at = '2026-11-26T08:00:00.000Z';
    const digest = composeDigest({
      region,
      accountId: '111122223333',
      runId: 'abcd1234',
      trigger: 'schedule',
      dryRun: false,
      now: new Date(at),
      counts: { STALLED: 1, DISCONNECTED: 0, LAGGING: 0, UNKNOWN: 0, PROGRESSING: 0, HEALTHY: 0, IGNORED: 0 },
      news: [
        {
          server,
          classification,
          action: 'TREATED',
          detail: 'ran RestartReplicationAgent on i-0123456789abcdef0',
          playbook: choosePlaybook(classification.condition, server.errorCode),
          news: 'NEW',
          entry: {
            sourceServerId: server.sourceServerId,
            version: 1,
            status: 'OPEN',
            condition: 'STALLED',
            since: at,
            attempts: 1,
            treatments: [
              {
                at,
                runId: 'abcd1234',
                commands: [
                  {
                    commandId: '11111111-2222-3333-4444-555555555555',
                    document: 'RestartReplicationAgent',
                    instanceId: 'i-0123456789abcdef0',
                    requestedAt: at,
                    status: 'Success',
                  },
                ],
              },
            ],
          },
        },
      ],
      unresolved: [],
    });

    const links = digest.text.match(/https:\/\/\S+/g) ?? [];
    expect(links).toEqual(
      expect.arrayContaining([
        runCommandHistoryUrl(region),
        `${origin}/mgn/home?region=${region}#/sourceServers/${server.sourceServerId}`,
        `${origin}/systems-manager/run-command/11111111-2222-3333-4444-555555555555?region=${region}`,
      ]),
    );
    for (const link of links) expect(link.startsWith(`${origin}/`)).toBe(true);
  });
});
