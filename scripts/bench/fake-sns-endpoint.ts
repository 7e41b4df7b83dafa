// SNS for the benchmark: Publish only (awsQuery: form-encoded request, XML reply), with the checks SNS itself
// makes on what the doctor sends: the topic exists, the message is at most 256 KB, a `MessageStructure=json`
// message is a JSON object with a `default` string, and the subject is 1-100 printable ASCII characters.
import { randomUUID } from 'node:crypto';
import {
  awsQueryError,
  awsQueryResult,
  QueryProtocolEndpoint,
  parseForm,
  type EndpointReply,
  type Latency,
  type RequestInfo,
} from './local-endpoint';

const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** SNS's limit for a message, in bytes (UTF-8). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
const SUBJECT = /^[\x20-\x7e]{1,100}$/;

export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly message: string;
  readonly messageBytes: number;
  readonly subject?: string;
  readonly messageStructure?: string;
}

export interface FakeSnsOptions {
  /** Topics Publish accepts. */
  readonly topicArns: readonly string[];
  readonly latencyMs?: Latency;
}

export class FakeSnsEndpoint extends QueryProtocolEndpoint {
  readonly published: PublishedMessage[] = [];
  private readonly topics: ReadonlySet<string>;

  private constructor(options: FakeSnsOptions) {
    super(options.latencyMs);
    this.topics = new Set(options.topicArns);
  }

  static start(options: FakeSnsOptions): Promise<FakeSnsEndpoint> {
    return new FakeSnsEndpoint(options).start();
  }

  override clearRecords(): void {
    super.clearRecords();
    this.published.length = 0;
  }

  protected answer(operation: string, request: RequestInfo): EndpointReply {
    if (operation !== 'Publish')
      return awsQueryError(400, 'InvalidAction', `The action ${operation} is not valid for this endpoint.`, NAMESPACE);
    const form = parseForm(request.body);
    const invalid = (what: string): EndpointReply =>
      awsQueryError(400, 'InvalidParameter', `Invalid parameter: ${what}`, NAMESPACE);

    const topicArn = form.get('TopicArn');
    if (topicArn === undefined) return invalid('TopicArn or TargetArn Reason: no value for required parameter');
    if (!this.topics.has(topicArn)) return awsQueryError(404, 'NotFound', 'Topic does not exist', NAMESPACE);
    const message = form.get('Message');
    if (message === undefined || message === '')
      return awsQueryError(
        400,
        'ValidationError',
        "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
        NAMESPACE,
      );
    const messageBytes = Buffer.byteLength(message, 'utf8');
    if (messageBytes > SNS_MAX_MESSAGE_BYTES) return invalid('Message too long');
    const messageStructure = form.get('MessageStructure');
    if (messageStructure !== undefined) {
      if (messageStructure !== 'json') return invalid('MessageStructure');
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        return invalid('Message Structure - JSON message body failed to parse');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return invalid('Message Structure - JSON message body failed to parse');
      if (typeof (parsed as Record<string, unknown>).default !== 'string')
        return invalid('Message Structure - No default entry in JSON message body');
    }
    const subject = form.get('Subject');
    if (subject !== undefined && !SUBJECT.test(subject)) return invalid('Subject');

    const messageId = randomUUID();
    this.published.push({ messageId, topicArn, message, messageBytes, subject, messageStructure });
    return awsQueryResult('Publish', NAMESPACE, `<MessageId>${messageId}</MessageId>`);
  }
}

export function startFakeSnsEndpoint(options: FakeSnsOptions): Promise<FakeSnsEndpoint> {
  return FakeSnsEndpoint.start(options);
}
