// The run's digest to the SNS topic: full text for e-mail (and any other protocol), one line for SMS.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Digest } from '../core/model';
import type { OutcomePublisher } from '../core/ports';

/** The JSON message of `MessageStructure=json`: the full text for e-mail (and any other protocol), one line for SMS. */
export const composeSnsMessage = (digest: Digest): string =>
  JSON.stringify({ default: digest.text, email: digest.text, sms: digest.sms });

export class SnsOutcomePublisher implements OutcomePublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(digest: Digest): Promise<void> {
    // No MessageAttributes (e.g. AWS.SNS.SMS.SMSType): SNS ignores them when MessageStructure is json.
    // Errors propagate: a digest that cannot be published is a systemic failure (Lambda retry, DLQ, alarm).
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        MessageStructure: 'json',
        Message: composeSnsMessage(digest),
        Subject: digest.subject,
      }),
    );
  }
}
