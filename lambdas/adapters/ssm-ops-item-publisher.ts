// OpsCenter: an OpsItem per escalated (or long-blocked) server, resolved on recovery (docs/design.md section 7,
// "OpsCenter"). CreateOpsItem carries the `/aws/dedup` string, so a retried run is answered with the open item
// (OpsItemAlreadyExistsException, counted as delivered) instead of a second one. Resolving needs the item's ID:
// the open items of this source are listed (DescribeOpsItems) and matched by their dedup string, so nothing
// depends on a ledger write that a crashed run may not have made. Each call's failure is one reported failure.
import {
  CreateOpsItemCommand,
  DescribeOpsItemsCommand,
  type OpsItemDataValue,
  type OpsItemSummary,
  type SSMClient,
  UpdateOpsItemCommand,
} from '@aws-sdk/client-ssm';
import { errorText, mapWithConcurrency } from '../core/concurrency';
import {
  OPS_ITEM_SOURCE,
  OPS_ITEM_TAG,
  planOpsItems,
  type OpsItemDraft,
  type OpsItemOptions,
  type OpsItemResolution,
} from '../core/ops-items';
import type { ChannelDelivery, OutcomeReport } from '../core/outcome-report';
import type { OutcomePublisher } from '../core/ports';

/** OpsCenter's API is rate-limited per account: a few calls at a time, the SDK's retries for the rest. */
const OPS_ITEM_CONCURRENCY = 4;

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

export class SsmOpsItemPublisher implements OutcomePublisher {
  constructor(
    private readonly ssm: SSMClient,
    private readonly options: OpsItemOptions,
  ) {}

  async publish(report: OutcomeReport): Promise<ChannelDelivery> {
    const plan = planOpsItems(report, this.options);
    const opened = await mapWithConcurrency(plan.opens, OPS_ITEM_CONCURRENCY, (draft) => this.open(draft));
    const resolved = plan.resolutions.length > 0 ? await this.resolveAll(plan.resolutions) : [];
    const outcomes = [...opened, ...resolved];
    return {
      channel: 'OpsCenter',
      delivered: outcomes.filter((outcome) => outcome.ok).length,
      failures: outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error])),
    };
  }

  private async open(draft: OpsItemDraft): Promise<Outcome> {
    try {
      await this.ssm.send(new CreateOpsItemCommand(toCreateRequest(draft)));
      return { ok: true };
    } catch (error) {
      if ((error as Error).name === 'OpsItemAlreadyExistsException') return { ok: true };
      return { ok: false, error: `CreateOpsItem ${draft.sourceServerId}: ${errorText(error)}` };
    }
  }

  /** One listing of the open items, then one update per recovered server that has one. */
  private async resolveAll(resolutions: readonly OpsItemResolution[]): Promise<Outcome[]> {
    let open: OpsItemSummary[];
    try {
      open = await this.listOpenItems();
    } catch (error) {
      return resolutions.map((resolution) => ({
        ok: false,
        error: `DescribeOpsItems for ${resolution.sourceServerId}: ${errorText(error)}`,
      }));
    }
    const targets = resolutions.flatMap((resolution) =>
      open
        .filter((item) => dedupOf(item).startsWith(`mgn-doctor ${resolution.sourceServerId} `))
        .map((item) => ({ item, resolution })),
    );
    return mapWithConcurrency(targets, OPS_ITEM_CONCURRENCY, ({ item, resolution }) =>
      this.resolve(item.OpsItemId as string, resolution),
    );
  }

  private async resolve(opsItemId: string, resolution: OpsItemResolution): Promise<Outcome> {
    try {
      await this.ssm.send(
        new UpdateOpsItemCommand({
          OpsItemId: opsItemId,
          Status: 'Resolved',
          OperationalData: { mgnDoctorResolution: { Type: 'String', Value: resolution.note } },
        }),
      );
      return { ok: true };
    } catch (error) {
      return { ok: false, error: `UpdateOpsItem ${opsItemId} (${resolution.sourceServerId}): ${errorText(error)}` };
    }
  }

  /** Every Open or InProgress OpsItem of the doctor's source, all pages. */
  private async listOpenItems(): Promise<OpsItemSummary[]> {
    const items: OpsItemSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.ssm.send(
        new DescribeOpsItemsCommand({
          OpsItemFilters: [
            { Key: 'Source', Values: [OPS_ITEM_SOURCE], Operator: 'Equal' },
            { Key: 'Status', Values: ['Open', 'InProgress'], Operator: 'Equal' },
          ],
          MaxResults: 50,
          NextToken: nextToken,
        }),
      );
      items.push(...(page.OpsItemSummaries ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return items;
  }
}

function toCreateRequest(draft: OpsItemDraft) {
  const searchable = (value: string): OpsItemDataValue => ({ Type: 'SearchableString', Value: value });
  return {
    Source: OPS_ITEM_SOURCE,
    OpsItemType: '/aws/issue',
    Title: draft.title,
    Description: draft.description,
    Severity: draft.severity,
    Category: 'Availability',
    OperationalData: {
      '/aws/dedup': searchable(JSON.stringify({ dedupString: draft.dedupString })),
      '/aws/resources': searchable(JSON.stringify([{ arn: draft.resourceArn }])),
      mgnDoctorCommands: { Type: 'String', Value: draft.details.mgnDoctorCommands },
      mgnDoctorAdvice: { Type: 'String', Value: draft.details.mgnDoctorAdvice },
      mgnDoctorAccount: { Type: 'String', Value: draft.details.mgnDoctorAccount },
    } satisfies Record<string, OpsItemDataValue>,
    Tags: [{ ...OPS_ITEM_TAG }],
  };
}

/** The dedup string an item was created with, or '' for an item that has none. */
function dedupOf(item: OpsItemSummary): string {
  try {
    const parsed = JSON.parse(item.OperationalData?.['/aws/dedup']?.Value ?? '{}') as { dedupString?: unknown };
    return typeof parsed.dedupString === 'string' ? parsed.dedupString : '';
  } catch {
    return '';
  }
}
