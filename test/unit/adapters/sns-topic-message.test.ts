// One Publish serves every protocol (docs/design.md section 7): `default` and `email` carry the e-mail text, `sms`
// one line, and `https` (the protocol of the chat service's subscription) the custom-notification JSON. Each stays
// within its limit, and the whole message within SNS's 256 KB, from one server to 1,000.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CHAT_LIMITS, type ChatNotification } from '../../../lambdas/core/chat-notification';
import { SMS_MAX, SUBJECT_MAX } from '../../../lambdas/core/digest';
import { SnsOutcomePublisher } from '../../../lambdas/adapters/sns-outcome-publisher';
import { aRunReport, aServerReport, aStallOf } from '../../fakes/reports';

const snsMock = mockClient(SNSClient);
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:MgnReplicationDoctor-NotificationsTopic1A2B3C4D';
/** Publish: the message and subject together, in UTF-8 bytes. */
const SNS_MAX_BYTES = 262_144;

beforeEach(() => snsMock.reset());

async function publishedMessage(report: Parameters<SnsOutcomePublisher['publish']>[0], chat: boolean) {
  snsMock.on(PublishCommand).resolves({ MessageId: '5f0c2d8e-1b7a-4e39-9c1d-2a6b8e4f0d13' });
  await new SnsOutcomePublisher(new SNSClient({}), TOPIC_ARN, { chat }).publish(report);
  expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
  return { input, message: JSON.parse(input?.Message ?? '{}') as Record<string, string> };
}

describe('the topic message with chat channels subscribed', () => {
  it.each([
    ['one server', () => aRunReport([aServerReport('escalated')])],
    ['a 150-server stall', () => aStallOf(150)],
    ['a 1,000-server stall', () => aStallOf(1000)],
  ])('%s: e-mail, SMS and chat renderings in one Publish, each within its limit', async (_, build) => {
    const report = build();
    const { input, message } = await publishedMessage(report, true);

    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'https', 'sms']);
    expect(message.default).toBe(report.digest.text);
    expect(message.email).toBe(report.digest.text);
    expect(message.sms?.length).toBeLessThanOrEqual(SMS_MAX);
    expect(input?.Subject?.length).toBeLessThanOrEqual(SUBJECT_MAX);
    const chat = JSON.parse(message.https ?? '') as ChatNotification;
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
    expect(chat.content.description.length).toBeLessThanOrEqual(CHAT_LIMITS.description);
    const bytes = Buffer.byteLength(input?.Message ?? '', 'utf8') + Buffer.byteLength(input?.Subject ?? '', 'utf8');
    expect(bytes).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });

  it('without chat channels the message has no https key (HTTPS subscribers get the e-mail text)', async () => {
    const { message } = await publishedMessage(aRunReport([aServerReport('escalated')]), false);
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'sms']);
  });
});
