import { indexNodes, needsFullInventory, resolveTarget } from '../../../lambdas/core/resolve-target';
import { aNode, aNodeFor, aServer } from '../../fakes/builders';

const TAG = 'mgn-doctor:ssm-node-id';
const resolve = (server: ReturnType<typeof aServer>, nodes: ReturnType<typeof aNode>[]) =>
  resolveTarget(server, indexNodes(nodes), TAG);

describe('resolveTarget (design section 5)', () => {
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
