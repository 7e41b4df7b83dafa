// The SSM inventory copy event runs match against (docs/design.md section 5), in memory; it counts its saves.
import type { CachedInventory, NodeInventoryCache } from '../../core/ports';

export class InMemoryNodeInventoryCache implements NodeInventoryCache {
  saves = 0;
  constructor(public inventory?: CachedInventory) {}

  async load(): Promise<CachedInventory | undefined> {
    return this.inventory && structuredClone(this.inventory);
  }

  async save(inventory: CachedInventory): Promise<void> {
    this.saves += 1;
    this.inventory = structuredClone(inventory);
  }
}
