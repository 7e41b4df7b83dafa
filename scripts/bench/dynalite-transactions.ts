// TransactWriteItems for dynalite, which implements every other operation the doctor uses but not this one. Only
// the Put action (what the ledger sends), with DynamoDB's own rules as the API reference states them: 1 to 100
// actions, one action per item, 4 MB per request, all or nothing, and on cancellation one reason per action in
// request order (`ConditionalCheckFailed`, `ValidationError` or `None`). Each Put is applied as a conditional
// PutItem by dynalite itself (its condition expressions and item limits), the ones applied are put back when
// another fails (each PutItem returns the item it replaced), and a ClientRequestToken seen before answers as the first time without writing again. The
// caller runs it while no other request is being handled (dynamodb-endpoint.ts), which makes it atomic.

import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

export interface JsonReply {
  readonly status: number;
  readonly body: string;
}

interface PutAction {
  readonly TableName: string;
  readonly Item: Item;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Item;
}

interface Reason {
  readonly Code: string;
  readonly Message?: string;
}

export const MAX_TRANSACTION_ACTIONS = 100;
export const MAX_TRANSACTION_REQUEST_BYTES = 4 * 1024 * 1024;
const JSON_TYPE = 'application/x-amz-json-1.0';

/** Calls one operation on dynalite. */
export type StoreCall = (
  operation: string,
  input: unknown,
) => Promise<{ status: number; json: Record<string, unknown> }>;

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** A reply as dynalite wrote it: status, headers and body, not yet sent anywhere. */
export interface StoreReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const FORM_HEADERS = {
  'content-type': JSON_TYPE,
  'x-amz-date': '20260101T000000Z',
  authorization:
    'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
} as const;

/**
 * Hands one request to dynalite's own request handler in this process, as a request and a response that carry only
 * what it reads and writes: no HTTP round trip (credentials are checked for form, not signature). The reply comes
 * back as a value, so the caller decides when to send it.
 */
export function callStore(
  handle: RequestListener,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
): Promise<StoreReply> {
  return new Promise((resolve) => {
    const request = Object.assign(new EventEmitter(), { method: 'POST', url: '/', headers });
    const written: Record<string, string> = {};
    const response = {
      statusCode: 200,
      setHeader: (name: string, value: unknown) => {
        written[name.toLowerCase()] = String(value);
      },
      end(text?: string) {
        resolve({ status: this.statusCode, headers: written, body: text ?? '' });
      },
    };
    handle(request as unknown as IncomingMessage, response as unknown as ServerResponse);
    request.emit('data', Buffer.from(body));
    request.emit('end');
  });
}

/** Calls one operation on dynalite with a JSON input, for the transactions' own actions. */
export function storeCaller(handle: RequestListener): StoreCall {
  return async (operation, input) => {
    const headers = { ...FORM_HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` };
    const { status, body } = await callStore(handle, headers, JSON.stringify(input));
    return { status, json: JSON.parse(body) as Record<string, unknown> };
  };
}

const reply = (status: number, json: unknown): JsonReply => ({ status, body: JSON.stringify(json) });
const validation = (message: string): JsonReply =>
  reply(400, { __type: 'com.amazon.coral.validate#ValidationException', message });
const errorType = (json: Record<string, unknown>): string => String(json.__type ?? '').replace(/^.*#/, '');

export class TransactionWriter {
  /** ClientRequestToken → the request it came with, for transactions that succeeded. */
  private readonly tokens = new Map<string, string>();
  private readonly keySchemas = new Map<string, readonly string[]>();

  constructor(private readonly call: StoreCall) {}

  async transactWriteItems(body: string): Promise<JsonReply> {
    if (Buffer.byteLength(body) > MAX_TRANSACTION_REQUEST_BYTES)
      return validation('Transaction request size exceeds the maximum allowed size of 4 MB');
    const request = JSON.parse(body) as { TransactItems?: unknown; ClientRequestToken?: string };
    const actions = request.TransactItems;
    if (!Array.isArray(actions) || actions.length < 1 || actions.length > MAX_TRANSACTION_ACTIONS)
      return validation(`TransactItems must hold 1 to ${MAX_TRANSACTION_ACTIONS} actions`);
    const puts = actions.map((action) => (action as { Put?: PutAction }).Put);
    if (puts.some((put, index) => put === undefined || Object.keys(actions[index] as object).length !== 1))
      return validation('this local endpoint implements TransactWriteItems with Put actions only');
    const token = request.ClientRequestToken;
    const items = JSON.stringify(actions);
    if (token !== undefined && this.tokens.has(token)) {
      if (this.tokens.get(token) === items) return reply(200, {});
      return reply(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException',
        message: 'The request uses the same client token as a previous, but non-identical request.',
      });
    }
    const answer = await this.applyAll(puts as PutAction[]).catch((error: { reply?: JsonReply }) => {
      if (error.reply) return error.reply;
      throw error;
    });
    if (answer.status === 200 && token !== undefined) this.tokens.set(token, items);
    return answer;
  }

  private async applyAll(puts: readonly PutAction[]): Promise<JsonReply> {
    const keys: { TableName: string; Key: Item }[] = [];
    for (const put of puts) keys.push({ TableName: put.TableName, Key: await this.keyOf(put) });
    if (new Set(keys.map((key) => JSON.stringify(key))).size !== keys.length)
      return validation('Transaction request cannot include multiple operations on one item');
    // The items are distinct and nothing else runs meanwhile: every write at once, each returning what it replaced.
    const writes = await Promise.all(puts.map((put) => this.call('PutItem', { ...put, ReturnValues: 'ALL_OLD' })));
    const before = writes.map(({ json }) => json.Attributes as Item | undefined);
    const reasons = writes.map(({ status, json }): Reason | undefined => {
      if (status === 200) return { Code: 'None' };
      if (errorType(json) === 'ConditionalCheckFailedException')
        return { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
      if (errorType(json) === 'ValidationException')
        return { Code: 'ValidationError', Message: String(json.message ?? json.Message ?? '') };
      return undefined;
    });
    const unexpected = writes.find((_, index) => reasons[index] === undefined);
    if (unexpected) return this.undo(keys, before, reasons, reply(unexpected.status, unexpected.json));
    if (reasons.every((reason) => reason?.Code === 'None')) return reply(200, {});
    const codes = reasons.map((reason) => reason?.Code).join(', ');
    return this.undo(
      keys,
      before,
      reasons,
      reply(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
        CancellationReasons: reasons,
      }),
    );
  }

  /** Puts back what the applied actions (reason None) replaced, then answers. */
  private async undo(
    keys: readonly { TableName: string; Key: Item }[],
    before: readonly (Item | undefined)[],
    reasons: readonly (Reason | undefined)[],
    answer: JsonReply,
  ): Promise<JsonReply> {
    const undone = await Promise.all(
      keys.map((key, index) => {
        if (reasons[index]?.Code !== 'None') return undefined;
        const old = before[index];
        return old ? this.call('PutItem', { TableName: key.TableName, Item: old }) : this.call('DeleteItem', key);
      }),
    );
    const failed = undone.find((result) => result !== undefined && result.status !== 200);
    if (failed) throw new Error(`could not undo a cancelled transaction: ${JSON.stringify(failed.json)}`);
    return answer;
  }

  private async keyOf(put: PutAction): Promise<Item> {
    let names = this.keySchemas.get(put.TableName);
    if (names === undefined) {
      const { status, json } = await this.call('DescribeTable', { TableName: put.TableName });
      if (status !== 200) throw Object.assign(new Error(String(json.message)), { reply: reply(status, json) });
      const table = json.Table as { KeySchema: { AttributeName: string }[] };
      names = table.KeySchema.map((element) => element.AttributeName);
      this.keySchemas.set(put.TableName, names);
    }
    return Object.fromEntries(names.map((name) => [name, put.Item?.[name] ?? {}]));
  }
}
