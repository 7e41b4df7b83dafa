// Writing the ledger: only what changed, each write conditional on the version this run read or wrote.
import { mapWithConcurrency } from '../concurrency';
import type { LedgerEntry } from '../ledger';
import { LEDGER_WRITE_CONCURRENCY, type DoctorDependencies } from './dependencies';

/**
 * Writes every entry that differs from `stored`; returns the entries as stored now (versions moved on).
 * A conflict means another run wrote first: its record is kept.
 */
export async function saveChangedEntries(
  entries: readonly LedgerEntry[],
  stored: ReadonlyMap<string, LedgerEntry>,
  deps: DoctorDependencies,
): Promise<Map<string, LedgerEntry>> {
  const changed = entries.filter((entry) => canonicalJson(entry) !== canonicalJson(stored.get(entry.sourceServerId)));
  const saved = new Map<string, LedgerEntry>();
  await mapWithConcurrency(changed, LEDGER_WRITE_CONCURRENCY, async (entry) => {
    const next = { ...entry, version: entry.version + 1 };
    if ((await deps.ledger.saveEntry(next)) === 'SAVED') saved.set(entry.sourceServerId, next);
    else
      deps.log.warn('Another run updated this server first; keeping its record', {
        sourceServerId: entry.sourceServerId,
      });
  });
  return saved;
}

/** JSON with object keys sorted: DynamoDB does not keep the order in which a map's keys were written. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, element: unknown) =>
    element !== null && typeof element === 'object' && !Array.isArray(element)
      ? Object.fromEntries(Object.entries(element).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : element,
  );
}
