import type { PingStatus as SsmPingStatus, PlatformType as SsmPlatformType } from '@aws-sdk/client-ssm';
import type { ManagedNode, SourceServer, TargetResolution } from '../../../lambdas/core/model';
import { findNodeIdHint, indexNodes, needsFullInventory, resolveTarget } from '../../../lambdas/core/resolve-target';
import { aNode, aNodeFor, aServer } from '../../fakes/builders';

const TAG = 'mgn-doctor:ssm-node-id';
const resolve = (server: ReturnType<typeof aServer>, nodes: ReturnType<typeof aNode>[]) =>
  resolveTarget(server, indexNodes(nodes), TAG);

describe('resolveTarget (docs/design.md section 5)', () => {
  it('an operator tag wins over a hostname or IP match', () => {
    const tagged = aNode({ instanceId: 'mi-0123456789abcdef0' });
    const server = aServer({ tags: { [TAG]: ' mi-0123456789abcdef0 ' } });
    const byName = aNodeFor(server);
    expect(resolve(server, [byName, tagged])).toMatchObject({
      status: 'RESOLVED',
      matchedBy: 'tag',
      node: { instanceId: 'mi-0123456789abcdef0' },
    });
  });

  it("refuses when the tag and MGN's own EC2 instance ID name different nodes", () => {
    const tagged = aNode({ instanceId: 'mi-0123456789abcdef0' });
    const server = aServer({ tags: { [TAG]: 'mi-0123456789abcdef0' }, awsInstanceId: 'i-0aaaaaaaaaaaaaaaa' });
    expect(resolve(server, [tagged, aNode({ instanceId: 'i-0aaaaaaaaaaaaaaaa' })])).toMatchObject({
      status: 'MISMATCH',
      advice: expect.stringContaining('i-0aaaaaaaaaaaaaaaa'),
    });
  });

  it("accepts a tag that agrees with MGN's EC2 instance ID", () => {
    const node = aNode({ instanceId: 'i-0aaaaaaaaaaaaaaaa' });
    const server = aServer({ tags: { [TAG]: 'i-0aaaaaaaaaaaaaaaa' }, awsInstanceId: 'i-0aaaaaaaaaaaaaaaa' });
    expect(resolve(server, [node])).toMatchObject({ status: 'RESOLVED', matchedBy: 'tag' });
  });

  it('a tag that is not a node ID is reported, never sent to SSM', () => {
    const server = aServer({ tags: { [TAG]: 'mi-123; reboot' } });
    expect(resolve(server, [aNodeFor(server)])).toMatchObject({
      status: 'UNMANAGED',
      advice: expect.stringContaining(TAG),
    });
  });

  it('a tag naming a node SSM does not know is UNMANAGED', () => {
    const server = aServer({ tags: { [TAG]: 'mi-0123456789abcdef0' } });
    expect(resolve(server, [])).toMatchObject({
      status: 'UNMANAGED',
      advice: expect.stringContaining('mi-0123456789abcdef0'),
    });
  });

  it('uses the EC2 instance ID MGN reports for EC2 sources', () => {
    const server = aServer({ awsInstanceId: 'i-0abc1234def567890' });
    expect(resolve(server, [aNode({ instanceId: 'i-0abc1234def567890' })])).toMatchObject({
      status: 'RESOLVED',
      matchedBy: 'awsInstanceId',
    });
  });

  it('an EC2 source without the SSM agent is UNMANAGED with instance-profile advice', () => {
    const server = aServer({ awsInstanceId: 'i-0abc1234def567890' });
    expect(resolve(server, [])).toMatchObject({
      status: 'UNMANAGED',
      advice: expect.stringContaining('AmazonSSMManagedInstanceCore'),
    });
  });

  it('matches the hostname case-insensitively and trimmed', () => {
    const server = aServer({ hostname: '  WEB01.Corp.Example.com ', fqdn: undefined, ips: [] });
    expect(resolve(server, [aNode({ computerName: 'web01.corp.example.com' })])).toMatchObject({
      status: 'RESOLVED',
      matchedBy: 'hostname',
    });
  });

  it('matches a short hostname against an FQDN and the other way round', () => {
    const short = aServer({ hostname: 'web01', fqdn: undefined, ips: [] });
    expect(resolve(short, [aNode({ computerName: 'WEB01.corp.example.com' })])).toMatchObject({ status: 'RESOLVED' });
    const qualified = aServer({ hostname: 'web01.corp.example.com', fqdn: 'web01.corp.example.com', ips: [] });
    expect(resolve(qualified, [aNode({ computerName: 'web01' })])).toMatchObject({ status: 'RESOLVED' });
  });

  it('never matches the same short name in two different domains', () => {
    const server = aServer({ hostname: 'web01.prod.example.com', fqdn: 'web01.prod.example.com', ips: [] });
    expect(resolve(server, [aNode({ computerName: 'web01.test.example.com' })])).toMatchObject({ status: 'UNMANAGED' });
  });

  it('a short hostname never reaches a node in another domain when MGN knows the FQDN', () => {
    const server = aServer({ hostname: 'batch-07', fqdn: 'batch-07.corp.example.com', ips: [] });
    expect(resolve(server, [aNode({ computerName: 'batch-07.lab.example.com' })])).toMatchObject({
      status: 'UNMANAGED',
    });
    expect(resolve(server, [aNode({ computerName: 'BATCH-07' })])).toMatchObject({
      status: 'RESOLVED',
      matchedBy: 'hostname',
    });
  });

  it('prefers an exact FQDN match over short-name matches', () => {
    const server = aServer({ hostname: 'web01.prod.example.com', fqdn: 'web01.prod.example.com', ips: [] });
    const exact = aNode({ computerName: 'web01.prod.example.com' });
    expect(resolve(server, [aNode({ computerName: 'web01' }), exact])).toMatchObject({
      status: 'RESOLVED',
      node: { instanceId: exact.instanceId },
    });
  });

  it('falls back to a NIC IP', () => {
    const server = aServer({ hostname: 'unknown-name', fqdn: undefined, ips: ['192.0.2.44', '10.1.2.3'] });
    expect(resolve(server, [aNode({ computerName: 'other', ipAddress: '10.1.2.3' })])).toMatchObject({
      status: 'RESOLVED',
      matchedBy: 'ip',
    });
  });

  it('reports an OFFLINE node with what to do', () => {
    const server = aServer();
    expect(resolve(server, [aNodeFor(server, { pingStatus: 'ConnectionLost' })])).toMatchObject({
      status: 'OFFLINE',
      advice: expect.stringContaining('ConnectionLost'),
    });
  });

  it('reports two candidates as AMBIGUOUS, never guesses (even when one is offline)', () => {
    const server = aServer();
    const result = resolve(server, [aNodeFor(server), aNodeFor(server, { pingStatus: 'ConnectionLost' })]);
    expect(result).toMatchObject({ status: 'AMBIGUOUS' });
    expect(result.status === 'AMBIGUOUS' && result.candidates).toHaveLength(2);
  });

  it('UNMANAGED when nothing matches', () => {
    expect(
      resolve(aServer({ ips: ['10.9.9.9'] }), [aNode({ computerName: 'elsewhere', ipAddress: '10.0.0.1' })]),
    ).toMatchObject({ status: 'UNMANAGED' });
  });

  it('does not send to platforms the documents do not cover', () => {
    const server = aServer();
    expect(resolve(server, [aNodeFor(server, { platformType: 'MacOS' })])).toMatchObject({
      status: 'UNMANAGED',
      advice: expect.stringContaining('MacOS'),
    });
  });

  it('lists the whole inventory only when some server needs a name or IP match', () => {
    expect(
      needsFullInventory(
        [aServer({ awsInstanceId: 'i-0abc1234def567890' }), aServer({ tags: { [TAG]: 'mi-0123456789abcdef0' } })],
        TAG,
      ),
    ).toBe(false);
    expect(needsFullInventory([aServer({ awsInstanceId: 'i-0abc1234def567890' }), aServer()], TAG)).toBe(true);
  });
});

// The README's "Which host?" rules as tables. Rows are the Prepare step.
describe("resolveTarget: which host, in the README's order", () => {
  const TAGGED = 'mi-0123456789abcdef0';
  const INSTANCE = 'i-0abc1234def567890';
  const nodes = {
    tagged: aNode({ instanceId: TAGGED, computerName: 'tagged-node' }),
    instance: aNode({ instanceId: INSTANCE, computerName: 'ec2-node' }),
    name: aNode({ computerName: 'web01.corp.example.com', ipAddress: '192.0.2.1' }),
    ip: aNode({ computerName: 'other-name', ipAddress: '10.0.0.10' }),
  };
  const server = (hints: Partial<SourceServer>): SourceServer =>
    aServer({ hostname: 'web01', fqdn: 'web01.corp.example.com', ips: ['10.0.0.10'], tags: {}, ...hints });

  it.each<[string, Partial<SourceServer>, (keyof typeof nodes)[], Partial<TargetResolution>]>([
    [
      'a tag, a name and an IP: the tag wins',
      { tags: { [TAG]: TAGGED } },
      ['tagged', 'name', 'ip'],
      { status: 'RESOLVED', matchedBy: 'tag', node: nodes.tagged },
    ],
    [
      'a tag that agrees with the EC2 instance ID MGN reports',
      { tags: { [TAG]: INSTANCE }, awsInstanceId: INSTANCE },
      ['instance', 'name'],
      { status: 'RESOLVED', matchedBy: 'tag', node: nodes.instance },
    ],
    [
      'a tag that disagrees with the EC2 instance ID MGN reports: refused, never chosen',
      { tags: { [TAG]: TAGGED }, awsInstanceId: INSTANCE },
      ['tagged', 'instance', 'name', 'ip'],
      { status: 'MISMATCH' },
    ],
    [
      'no tag: the EC2 instance ID MGN reports',
      { awsInstanceId: INSTANCE },
      ['tagged', 'instance', 'name', 'ip'],
      { status: 'RESOLVED', matchedBy: 'awsInstanceId', node: nodes.instance },
    ],
    [
      'no tag or instance ID: the hostname before the IP',
      {},
      ['name', 'ip'],
      { status: 'RESOLVED', matchedBy: 'hostname', node: nodes.name },
    ],
    ['no name match: a NIC IP', {}, ['ip'], { status: 'RESOLVED', matchedBy: 'ip', node: nodes.ip }],
    ['nothing matches', {}, ['tagged', 'instance'], { status: 'UNMANAGED' }],
    [
      'a tag naming an unknown node overrides the rest: no guess by name',
      { tags: { [TAG]: TAGGED } },
      ['name', 'ip'],
      { status: 'UNMANAGED' },
    ],
    [
      'an EC2 instance SSM does not manage: no guess by name',
      { awsInstanceId: INSTANCE },
      ['name', 'ip'],
      { status: 'UNMANAGED' },
    ],
    [
      'an instance ID that is not one is ignored',
      { awsInstanceId: 'web01' },
      ['name'],
      { status: 'RESOLVED', matchedBy: 'hostname' },
    ],
    ['an empty tag is no tag', { tags: { [TAG]: '  ' } }, ['name'], { status: 'RESOLVED', matchedBy: 'hostname' }],
  ])('%s', (_name, hints, present, expected) => {
    // Act
    const result = resolve(
      server(hints),
      present.map((key) => nodes[key]),
    );

    // Assess
    expect(result).toMatchObject(expected);
  });

  it.each<[string, ManagedNode[], Partial<TargetResolution>]>([
    [
      'two nodes by name',
      [aNode({ computerName: 'web01' }), aNode({ computerName: 'WEB01.corp.example.com' })],
      { status: 'AMBIGUOUS' },
    ],
    [
      'two nodes by IP, none by name',
      [aNode({ ipAddress: '10.0.0.10' }), aNode({ ipAddress: '10.0.0.10' })],
      { status: 'AMBIGUOUS' },
    ],
    [
      'one by name and another by IP: the name decides',
      [aNode({ computerName: 'web01' }), aNode({ ipAddress: '10.0.0.10' })],
      { status: 'RESOLVED', matchedBy: 'hostname' },
    ],
  ])('%s', (_name, candidates, expected) => {
    // Act
    const result = resolve(server({}), candidates);

    // Assess
    expect(result).toMatchObject(expected);
    if (result.status === 'AMBIGUOUS') expect(result.advice).toContain(`${TAG}=<node ID>`);
  });

  it.each<[string, string | undefined, string, boolean]>([
    ['a bare name', 'web01', 'web01', true],
    ['a short name against an FQDN', 'WEB01', 'web01.corp.example.com', true],
    ['an FQDN against a short name', 'web01.corp.example.com', 'web01', true],
    ['an FQDN against one with a trailing dot', 'web01.corp.example.com', 'WEB01.CORP.EXAMPLE.COM.', true],
    ['a short name with no domain known against any domain', 'web01', 'web01.lab.example.com', true],
    ['the same short name in two domains', 'web01.prod.example.com', 'web01.test.example.com', false],
    ['a longer name that starts the same', 'web011', 'web01', false],
    ['an empty name', '', '', false],
  ])('name match, %s: %s ~ %s → %s', (_name, hostname, computerName, matches) => {
    // Prepare
    const source = aServer({ hostname, fqdn: undefined, ips: [], awsInstanceId: undefined });

    // Act
    const result = resolve(source, [aNode({ computerName })]);

    // Assess
    expect(result.status).toBe(matches ? 'RESOLVED' : 'UNMANAGED');
  });
});

describe('resolveTarget: only nodes that can run the documents get commands', () => {
  const PING: Record<SsmPingStatus, TargetResolution['status']> = {
    Online: 'RESOLVED',
    ConnectionLost: 'OFFLINE',
    Inactive: 'OFFLINE',
  };

  it.each<[string, TargetResolution['status']]>([...Object.entries(PING), ['A_STATUS_SSM_ADDS_LATER', 'OFFLINE']])(
    'ping status %s → %s',
    (pingStatus, status) => {
      // Prepare
      const source = aServer();

      // Act
      const result = resolve(source, [aNodeFor(source, { pingStatus })]);

      // Assess
      expect(result.status).toBe(status);
    },
  );

  const PLATFORM: Record<SsmPlatformType, TargetResolution['status']> = {
    Linux: 'RESOLVED',
    Windows: 'RESOLVED',
    MacOS: 'UNMANAGED',
  };

  it.each<[string | undefined, TargetResolution['status']]>([
    ...Object.entries(PLATFORM),
    ['A_PLATFORM_SSM_ADDS_LATER', 'UNMANAGED'],
    [undefined, 'RESOLVED'],
  ])('platform %s → %s', (platformType, status) => {
    // Prepare
    const source = aServer();

    // Act
    const result = resolve(source, [aNodeFor(source, { platformType })]);

    // Assess
    expect(result.status).toBe(status);
  });
});

describe('findNodeIdHint: only a real node ID ever reaches SSM', () => {
  it.each([
    ['an EC2 instance ID (8 hex digits)', 'i-0abc1234', 'i-0abc1234'],
    ['an EC2 instance ID (17 hex digits)', 'i-0abc1234def567890', 'i-0abc1234def567890'],
    ['a hybrid node ID', 'mi-0123456789abcdef0', 'mi-0123456789abcdef0'],
    ['a node ID with spaces around it', '  mi-0123456789abcdef0 ', 'mi-0123456789abcdef0'],
  ])('takes %s from the tag', (_name, value, instanceId) => {
    expect(findNodeIdHint(aServer({ tags: { [TAG]: value } }), TAG)).toEqual({ instanceId, matchedBy: 'tag' });
  });

  it.each([
    ['too short', 'i-123'],
    ['16 hex digits', 'i-0abc1234def56789'],
    ['upper case', 'i-0ABC1234DEF567890'],
    ['a hybrid ID one digit short', 'mi-0123456789abcdef'],
    ['a command after the ID', 'mi-0123456789abcdef0; reboot'],
    ['a command substitution', '$(reboot)'],
    ['a hostname', 'web01'],
  ])('rejects a tag that is %s', (_name, value) => {
    expect(findNodeIdHint(aServer({ tags: { [TAG]: value } }), TAG)).toEqual({ invalidTag: value.trim() });
  });

  it.each([
    [
      'the EC2 instance ID MGN reports',
      { awsInstanceId: 'i-0abc1234def567890' },
      { instanceId: 'i-0abc1234def567890', matchedBy: 'awsInstanceId' },
    ],
    ['nothing for a malformed instance ID', { awsInstanceId: 'i-zz' }, undefined],
    ['nothing without a tag or an instance ID', {}, undefined],
  ])('without a tag: %s', (_name, hints, hint) => {
    expect(findNodeIdHint(aServer({ tags: {}, ...hints }), TAG)).toEqual(hint);
  });
});
