// Writing the ledger: only what changed, each write conditional on the version this run read or wrote, all of a
// stage's writes handed to the ledger together (docs/design.md section 8, the ledger).
import type { LedgerEntry } from '../ledger';
import type { SaveOutcome, WriteFailure } from '../ports';
import type { DoctorDependencies } from './dependencies';

/**
 * Writes every entry that differs from `stored`; returns the entries as stored now (versions moved on).
 * A conflict means another run wrote first: its record is kept.
 */
export async function saveChangedEntries(
  entries: readonly LedgerEntry[],
  stored: ReadonlyMap<string, LedgerEntry>,
  deps: Pick<DoctorDependencies, 'ledger' | 'log'>,
): Promise<Map<string, LedgerEntry>> {
  const changed = entries.filter((entry) => canonicalJson(entry) !== canonicalJson(stored.get(entry.sourceServerId)));
  const next = changed.map((entry) => ({ ...entry, version: entry.version + 1 }));
  const outcomes = await deps.ledger.saveEntries(next);
  throwFirstFailure(outcomes);
  const saved = new Map<string, LedgerEntry>();
  next.forEach((entry, index) => {
    if (outcomes[index] === 'SAVED') saved.set(entry.sourceServerId, entry);
    else
      deps.log.warn('Another run updated this server first; keeping its record', {
        sourceServerId: entry.sourceServerId,
      });
  });
  return saved;
}

export const isFailure = (outcome: SaveOutcome | undefined): outcome is WriteFailure =>
  typeof outcome === 'object' && outcome !== null;

/**
 * For the writes a run cannot go on without: the first failed write's error, thrown once the ledger has written
 * every other one (a run that fails leaves no write of the batch undone).
 */
export function throwFirstFailure(outcomes: readonly SaveOutcome[]): void {
  const failure = outcomes.find(isFailure);
  if (failure !== undefined) throw failure.failed;
}

/** JSON with object keys sorted: DynamoDB does not keep the order in which a map's keys were written. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, element: unknown) =>
    element !== null && typeof element === 'object' && !Array.isArray(element)
      ? Object.fromEntries(Object.entries(element).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : element,
  );
}
