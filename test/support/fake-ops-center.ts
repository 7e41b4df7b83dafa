// OpsCenter for the SSM front (fake-ssm-endpoint.ts): moto does not implement OpsItems. CreateOpsItem,
// DescribeOpsItems and UpdateOpsItem, checked against the SSM API model (botocore data/ssm/2014-11-06/
// service-2.json: required members, lengths, patterns, enums) and the OpsCenter rules the doctor relies on:
// reserved OperationalData keys, `/aws/dedup` (an open item with the same dedup string is not created again:
// OpsItemAlreadyExistsException with its ID), Source and Status filters with MaxResults 1-50 and NextToken.
import { randomBytes } from 'node:crypto';

export class OpsCenterError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface DataValue {
  readonly Value?: string;
  readonly Type?: string;
}

export interface StoredOpsItem {
  readonly OpsItemId: string;
  readonly Source: string;
  readonly Title: string;
  readonly Description: string;
  Status: string;
  readonly Severity?: string;
  readonly Category?: string;
  readonly OpsItemType?: string;
  OperationalData: Record<string, DataValue>;
  readonly Tags: readonly { Key: string; Value: string }[];
  readonly CreatedTime: number;
}

const OPEN = new Set(['Open', 'InProgress']);
const STATUSES = ['Open', 'InProgress', 'Resolved', 'Pending', 'TimedOut', 'Cancelling', 'Cancelled', 'Failed'];
const FILTER_KEYS = new Set(['Status', 'Source', 'Title', 'OpsItemId', 'Severity', 'Category', 'OperationalDataValue']);
const RESERVED_KEYS = new Set(['/aws/dedup', '/aws/resources', '/aws/automations']);
const TAG = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const invalid = (message: string): OpsCenterError => new OpsCenterError('ValidationException', message);

function text(input: Record<string, unknown>, name: string, min: number, max: number, required: boolean): void {
  const value = input[name];
  if (value === undefined) {
    if (required)
      throw invalid(
        `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
      );
    return;
  }
  if (typeof value !== 'string' || value.length < min || value.length > max || value.trim() === '')
    throw invalid(
      `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must have length between ${min} and ${max}, not blank`,
    );
}

function checkOperationalData(data: unknown, creating: boolean): Record<string, DataValue> {
  if (data === undefined) return {};
  if (typeof data !== 'object' || data === null) throw invalid('OperationalData must be a map');
  for (const [key, value] of Object.entries(data as Record<string, DataValue>)) {
    if (key.length < 1 || key.length > 128) throw invalid(`OperationalData key ${key}: length 1-128`);
    if (/^\/?(aws|amazon|amzn|ssm)/i.test(key) && !RESERVED_KEYS.has(key))
      throw invalid(`OperationalData key ${key} uses a reserved prefix`);
    if (!value || typeof value.Value !== 'string' || value.Value.trim() === '')
      throw invalid(`OperationalData ${key}: Value must not be blank`);
    if (value.Type !== undefined && value.Type !== 'SearchableString' && value.Type !== 'String')
      throw invalid(`OperationalData ${key}: Type must be SearchableString or String`);
    if (creating && key === '/aws/dedup') dedupOf({ '/aws/dedup': value });
    if (key === '/aws/resources') {
      const parsed = JSON.parse(value.Value) as unknown;
      if (!Array.isArray(parsed) || !parsed.every((item) => typeof (item as { arn?: unknown }).arn === 'string'))
        throw invalid('/aws/resources must be a JSON array of {"arn": …}');
    }
  }
  return data as Record<string, DataValue>;
}

function dedupOf(data: Record<string, DataValue>): string | undefined {
  const value = data['/aws/dedup']?.Value;
  if (value === undefined) return undefined;
  const parsed = JSON.parse(value) as { dedupString?: unknown };
  if (typeof parsed.dedupString !== 'string' || parsed.dedupString.length < 6 || parsed.dedupString.length > 64)
    throw invalid('/aws/dedup must be {"dedupString": <6-64 characters>}');
  return parsed.dedupString;
}

export class FakeOpsCenter {
  readonly items = new Map<string, StoredOpsItem>();

  handle(operation: string, input: Record<string, unknown>): unknown {
    if (operation === 'CreateOpsItem') return this.create(input);
    if (operation === 'DescribeOpsItems') return this.describe(input);
    if (operation === 'UpdateOpsItem') return this.update(input);
    return undefined;
  }

  private create(input: Record<string, unknown>): unknown {
    text(input, 'Description', 1, 2048, true);
    text(input, 'Source', 1, 128, true);
    text(input, 'Title', 1, 1024, true);
    text(input, 'Severity', 1, 64, false);
    text(input, 'Category', 1, 64, false);
    if (/^(aws|amazon|amzn)/i.test(String(input.Source))) throw invalid('Source cannot start with aws, amazon or amzn');
    const tags = (input.Tags ?? []) as { Key?: string; Value?: string }[];
    for (const tag of tags)
      if (!tag.Key || !TAG.test(tag.Key) || tag.Key.length > 128 || tag.Value === undefined || !TAG.test(tag.Value))
        throw invalid(`Invalid tag ${JSON.stringify(tag)}`);
    const data = checkOperationalData(input.OperationalData, true);
    const dedup = dedupOf(data);
    const open = [...this.items.values()].find(
      (item) => OPEN.has(item.Status) && dedup !== undefined && dedupOf(item.OperationalData) === dedup,
    );
    if (open)
      throw new OpsCenterError('OpsItemAlreadyExistsException', `The OpsItem already exists: ${open.OpsItemId}`, {
        OpsItemId: open.OpsItemId,
      });
    const id = `oi-${randomBytes(6).toString('hex')}`;
    this.items.set(id, {
      OpsItemId: id,
      Source: String(input.Source),
      Title: String(input.Title),
      Description: String(input.Description),
      Status: 'Open',
      Severity: input.Severity as string | undefined,
      Category: input.Category as string | undefined,
      OpsItemType: input.OpsItemType as string | undefined,
      OperationalData: { ...data },
      Tags: tags as { Key: string; Value: string }[],
      CreatedTime: Date.now() / 1000,
    });
    return { OpsItemId: id, OpsItemArn: `arn:aws:ssm:us-east-1:111122223333:opsitem/${id}` };
  }

  private describe(input: Record<string, unknown>): unknown {
    const max = (input.MaxResults as number | undefined) ?? 50;
    if (!Number.isInteger(max) || max < 1 || max > 50) throw invalid('MaxResults must be between 1 and 50');
    const filters = (input.OpsItemFilters ?? []) as { Key?: string; Values?: string[]; Operator?: string }[];
    for (const filter of filters) {
      if (!filter.Key || !FILTER_KEYS.has(filter.Key)) throw invalid(`Unsupported filter key ${String(filter.Key)}`);
      if (filter.Operator !== 'Equal' && filter.Operator !== 'Contains')
        throw invalid('Operator must be Equal or Contains');
      if (!Array.isArray(filter.Values) || filter.Values.length === 0) throw invalid('Values must not be empty');
    }
    const matches = [...this.items.values()].filter((item) =>
      filters.every((filter) => {
        const field =
          filter.Key === 'OperationalDataValue'
            ? Object.values(item.OperationalData).map((value) => value.Value ?? '')
            : [String((item as unknown as Record<string, unknown>)[filter.Key as string] ?? '')];
        return (filter.Values ?? []).some((wanted) =>
          field.some((value) => (filter.Operator === 'Equal' ? value === wanted : value.includes(wanted))),
        );
      }),
    );
    const start = Number(input.NextToken ?? 0);
    const page = matches.slice(start, start + max);
    return {
      OpsItemSummaries: page.map(({ Tags: _tags, Description: _description, ...summary }) => summary),
      ...(start + max < matches.length ? { NextToken: String(start + max) } : {}),
    };
  }

  private update(input: Record<string, unknown>): unknown {
    const id = String(input.OpsItemId ?? '');
    if (!/^(oi)-[0-9a-f]{12}$/.test(id)) throw invalid(`OpsItemId ${id} does not match ^(oi)-[0-9a-f]{12}$`);
    const item = this.items.get(id);
    if (!item) throw new OpsCenterError('OpsItemNotFoundException', `OpsItem ${id} not found`);
    if (input.Status !== undefined && !STATUSES.includes(String(input.Status)))
      throw invalid(`Status ${String(input.Status)}`);
    const data = checkOperationalData(input.OperationalData, false);
    item.OperationalData = { ...item.OperationalData, ...data };
    if (input.Status !== undefined) item.Status = String(input.Status);
    return {};
  }
}
