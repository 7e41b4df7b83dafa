// The SSM inventory listing, started while MGN is still being listed (docs/design.md section 2, read the fleet).
// Both listings page one call after another; run one after the other, the handler's work on every MGN page and
// the plan of thousands of servers sit between them on the critical path. Each MGN page is offered here as it
// arrives: once the ledger is read and a page shows a server the run will surely treat on a host found by name
// (showsInventoryNeed), the listing starts. It never starts for a run that would not have listed it.
import type { LedgerEntry } from '../ledger';
import type { ManagedNode, SourceServer } from '../model';
import type { DoctorSettings } from '../../shared/settings';
import type { DoctorDependencies } from './dependencies';
import { showsInventoryNeed, type PlanContext } from './plan-servers';

export interface EarlyInventory {
  /** One page of listed servers, as MGN returns it. */
  readonly offer: (servers: readonly SourceServer[]) => void;
  /** Once every page was offered: the listing, if a page showed the need for it (still under way, maybe). */
  readonly listing: () => Promise<{ readonly nodes: Promise<ManagedNode[]> } | undefined>;
}

/** `entries`: the ledger as the plan will read it (earlier results collected). */
export function watchInventoryNeed(
  entries: Promise<ReadonlyMap<string, LedgerEntry>>,
  settings: DoctorSettings,
  context: PlanContext,
  deps: Pick<DoctorDependencies, 'nodes'>,
): EarlyInventory {
  let started: Promise<ManagedNode[]> | undefined;
  // Pages are looked at in order, each once the ledger is read; a ledger that cannot be read fails the run elsewhere.
  let looked: Promise<void> = Promise.resolve();
  const offer = (servers: readonly SourceServer[]): void => {
    looked = looked.then(async () => {
      if (started || !showsInventoryNeed(servers, await entries, settings, context)) return;
      started = deps.nodes.listNodes();
      // The plan awaits it; a run that fails before then (MGN unreachable) must not also leave it unhandled.
      started.catch(() => undefined);
    });
    looked.catch(() => undefined);
  };
  return {
    offer,
    listing: async () => {
      await looked.catch(() => undefined);
      return started && { nodes: started };
    },
  };
}
