import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Digest } from '../../../lambdas/core/model';
import { SnsOutcomePublisher } from '../../../lambdas/adapters/sns-outcome-publisher';
import { anOutcomeReport } from '../../fakes/builders';

const snsMock = mockClient(SNSClient);
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:mgn-replication-doctor-Notifications1A2B3C4D';
const DIGEST: Digest = {
  subject: 'MGN us-east-1: 2 stalled, 1 recovered (111122223333)',
  text: 'MGN replication doctor, us-east-1\n\ns-3a1b2c3d4e5f60718 db-01: STALLED (AGENT_NOT_SEEN), agent restarted.\n',
  sms: 'MGN us-east-1: 2 stalled, 1 recovered',
};

beforeEach(() => snsMock.reset());

describe('SnsOutcomePublisher', () => {
  it('publishes one JSON-structured message: the full text for default and email, one line for SMS', async () => {
    // Arrange
    snsMock.on(PublishCommand).resolves({ MessageId: '5f0c2d8e-1b7a-4e39-9c1d-2a6b8e4f0d13' });
    const publisher = new SnsOutcomePublisher(new SNSClient({}), TOPIC_ARN);

    // Act
    await publisher.publish(anOutcomeReport(DIGEST));

    // Assert
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      MessageStructure: 'json',
      Subject: DIGEST.subject,
    });
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(JSON.parse(input?.Message ?? 'null')).toEqual({ default: DIGEST.text, email: DIGEST.text, sms: DIGEST.sms });
    // SNS ignores message attributes on JSON-structured messages.
    expect(input?.MessageAttributes).toBeUndefined();
  });

  it('lets a publish failure propagate (it is systemic)', async () => {
    // Arrange
    snsMock.on(PublishCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: SNS:Publish'), {
        name: 'AuthorizationErrorException',
      }),
    );
    const publisher = new SnsOutcomePublisher(new SNSClient({}), TOPIC_ARN);

    // Act / Assert
    await expect(publisher.publish(anOutcomeReport(DIGEST))).rejects.toMatchObject({
      name: 'AuthorizationErrorException',
    });
  });
});
