// The chat rendering (docs/design.md section 7, "Chat"): the custom-notification schema's required fields and the
// doctor's bounds, for one server and a 150-server stall; a hostile hostname cannot break the JSON or forge text.
import { CHAT_LIMITS, chatText, renderChatNotification } from '../../../lambdas/core/chat-notification';
import { aStalledServer } from '../../fakes/builders';
import { aRunReport, aServerReport, aStallOf } from '../../fakes/reports';
import type { ChatNotification } from '../../../lambdas/core/chat-notification';

/** The documented schema: version "1.0", source "custom", content with a description; and the doctor's bounds. */
function expectValid(notification: ChatNotification): void {
  const parsed = JSON.parse(JSON.stringify(notification)) as ChatNotification;
  expect(parsed.version).toBe('1.0');
  expect(parsed.source).toBe('custom');
  expect(parsed.content.textType).toBe('client-markdown');
  expect(parsed.content.description.length).toBeGreaterThan(0);
  expect(parsed.content.description.length).toBeLessThanOrEqual(CHAT_LIMITS.description);
  expect(parsed.content.title.length).toBeLessThanOrEqual(CHAT_LIMITS.title);
  expect(parsed.content.nextSteps.length).toBeLessThanOrEqual(CHAT_LIMITS.nextSteps);
  for (const step of parsed.content.nextSteps) expect(step.length).toBeLessThanOrEqual(CHAT_LIMITS.nextStep);
  expect(parsed.content.keywords.length).toBeLessThanOrEqual(CHAT_LIMITS.keywords);
  expect(parsed.metadata.relatedResources.length).toBeLessThanOrEqual(CHAT_LIMITS.relatedResources);
  expect(Buffer.byteLength(JSON.stringify(notification))).toBeLessThanOrEqual(CHAT_LIMITS.bytes);
}

describe('renderChatNotification', () => {
  it('one escalated server: summary, its group, the server with its console link, the advice as a next step', () => {
    const server = aStalledServer({ hostname: 'db-primary' });
    const notification = renderChatNotification(aRunReport([aServerReport('escalated', server)]));

    expectValid(notification);
    expect(notification.content.title).toMatch(/^MGN eu-west-1: .*1 escalated/);
    expect(notification.content.description).toContain('*Escalated: a person needs to look*');
    expect(notification.content.description).toContain(
      `• db-primary (${server.sourceServerId}) ESCALATED AGENT_NOT_SEEN: https://eu-west-1.console.aws.amazon.com/mgn/home?region=eu-west-1#/sourceServers/${server.sourceServerId}`,
    );
    expect(notification.content.nextSteps[0]).toMatch(/^MGN has not heard from the AWS Replication Agent/);
    expect(notification.metadata.relatedResources).toEqual([server.arn]);
  });

  it('a 150-server stall with one failure and one escalation: every group counted, both on the first lines', () => {
    const report = aStallOf(150);
    const notification = renderChatNotification(report);

    expectValid(notification);
    const lines = notification.content.description.split('\n');
    expect(lines.slice(0, 6).join('\n')).toMatch(
      /Escalated[\s\S]*1 server\(s\)[\s\S]*Needs a person[\s\S]*1 server\(s\)/,
    );
    expect(notification.content.description).toContain('148 server(s)');
    expect(notification.content.description).toContain('*Servers that need a person (2)*');
  });

  it('1,000 servers that need a person: bounded, and says where the rest are', () => {
    const report = aRunReport(Array.from({ length: 1000 }, () => aServerReport('escalated')));
    const notification = renderChatNotification(report);

    expectValid(notification);
    expect(notification.content.description).toMatch(/…and \d+ more: every server is in the e-mail digest\.$/);
  });

  it('a hostname with control characters, markup and a mention cannot break the JSON or forge lines and links', () => {
    const hostile = 'web\n*URGENT* <!channel> [click](https://evil.example) <https://evil.example|ok>\u202e\u0000';
    const report = aRunReport([aServerReport('escalated', aStalledServer({ hostname: hostile }))]);
    const notification = renderChatNotification(report);
    const json = JSON.stringify(notification);

    expectValid(notification);
    expect(JSON.parse(json)).toEqual(notification);
    const serverLine = notification.content.description.split('\n').find((line) => line.startsWith('• web')) ?? '';
    expect(serverLine).not.toMatch(/[<>[\]*!\u202e]/);
    expect(serverLine).not.toContain(String.fromCharCode(0));
    expect(serverLine).not.toContain('://evil');
    expect(notification.content.description.split('\n').filter((line) => line.includes('URGENT'))).toHaveLength(1);
  });

  it('chatText keeps what names need and replaces what markdown acts on', () => {
    expect(chatText('db-01.corp.example.com', 100)).toBe('db-01.corp.example.com');
    expect(chatText('mgn.<region>.amazonaws.com', 100)).toBe('mgn.‹region›.amazonaws.com');
    expect(chatText('a*b_c~d`e|f[g]h@i!j#k&l', 100)).toBe('a?b_c?d?e?f?g?h?i?j?k?l');
    expect(chatText('see https://evil.example', 100)).toBe('see https: //evil.example');
  });
});
