// The run's report to the SNS topic, one Publish for every protocol (docs/design.md section 7): the full text for
// e-mail (and `default`), one line for SMS, and, when chat channels are subscribed, the custom-notification JSON
// under `https`, the protocol of the chat service's subscription.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { renderChatNotification, type ChatNotification } from '../core/chat-notification';
import type { Digest } from '../core/model';
import { deliveredAll, type ChannelDelivery, type OutcomeReport } from '../core/outcome-report';
import type { OutcomePublisher } from '../core/ports';

export interface SnsPublishOptions {
  /** Chat channels are subscribed to the topic: add their rendering. */
  readonly chat?: boolean;
}

/** The JSON message of `MessageStructure=json`: one rendering per protocol key. */
export const composeSnsMessage = (digest: Digest, chat?: ChatNotification): string =>
  JSON.stringify({
    default: digest.text,
    email: digest.text,
    sms: digest.sms,
    ...(chat === undefined ? {} : { https: JSON.stringify(chat) }),
  });

export class SnsOutcomePublisher implements OutcomePublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    private readonly options: SnsPublishOptions = {},
  ) {}

  async publish(report: OutcomeReport): Promise<ChannelDelivery> {
    // No MessageAttributes (e.g. AWS.SNS.SMS.SMSType): SNS ignores them when MessageStructure is json.
    // Errors propagate: a digest that cannot be published is a systemic failure (Lambda retry, DLQ, alarm).
    const chat = this.options.chat ? renderChatNotification(report) : undefined;
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        MessageStructure: 'json',
        Message: composeSnsMessage(report.digest, chat),
        Subject: report.digest.subject,
      }),
    );
    return deliveredAll('SNS', 1);
  }
}
