// The accounts of a hub's organization as MGN's global view lists them (docs/design.md section 13): ListManagedAccounts,
// which only the management account or MGN's delegated administrator may call, with Organizations trusted access
// for MGN enabled.
import { ListManagedAccountsCommand, type MgnClient } from '@aws-sdk/client-mgn';
import type { ManagedAccountDirectory } from '../core/program/ports';
import { ACCOUNT_ID } from '../shared/program';
import { collectPages, unique } from './paging';

/** ListManagedAccounts' `maxResults`: 1–1000 in the API model. */
const PAGE_SIZE = 1000;

export class MgnManagedAccountDirectory implements ManagedAccountDirectory {
  constructor(private readonly mgn: MgnClient) {}

  /**
   * Every managed account, all pages, each once. An item that is not a 12-digit account ID (none in the model's
   * examples) is left out: a run cannot act in it, and it must not stop the others.
   */
  async listManagedAccounts(): Promise<string[]> {
    const accounts = await collectPages(async (nextToken: string | undefined) => {
      const page = await this.mgn.send(new ListManagedAccountsCommand({ maxResults: PAGE_SIZE, nextToken }));
      return { items: (page.items ?? []).map((item) => item.accountId), next: page.nextToken };
    });
    return unique(accounts.filter((account): account is string => account !== undefined && ACCOUNT_ID.test(account)));
  }
}
