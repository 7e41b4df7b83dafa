// docs/design.md section 7: the migration's own terms, the MGN wave and application a source server belongs to.
// Migration teams plan and talk in waves and applications, so that is how the digest names and groups servers when
// the fleet uses them. MGN links a server to one application (`applicationID`) and an application to at most one
// wave (`waveID`).
import type { MigrationApplication, MigrationWave, SourceServer } from './model';
import { clip } from './text';

export interface MigrationTermsIndex {
  readonly applications: ReadonlyMap<string, MigrationApplication>;
  readonly waves: ReadonlyMap<string, MigrationWave>;
}

export interface MigrationTerms {
  readonly applicationId: string;
  /** The application's name; its ID when it is not listed (archived, or created after the listing). */
  readonly application: string;
  readonly waveId?: string;
  /** The wave's name; its ID when it is not listed. Absent when the application is in no wave. */
  readonly wave?: string;
}

export interface WaveGroup<T> {
  readonly waveId?: string;
  readonly wave?: string;
  readonly items: readonly T[];
}

/** Looks up applications and waves by ID (from ListApplications and ListWaves). */
export function indexMigrationTerms(
  applications: readonly MigrationApplication[],
  waves: readonly MigrationWave[],
): MigrationTermsIndex {
  return {
    applications: new Map(applications.map((application) => [application.applicationId, application])),
    waves: new Map(waves.map((wave) => [wave.waveId, wave])),
  };
}

/** Whether any of these servers is in an MGN application: only then are applications and waves worth reading. */
export function usesMigrationTerms(servers: readonly Pick<SourceServer, 'applicationId'>[]): boolean {
  return servers.some((server) => server.applicationId !== undefined);
}

/** The server's wave and application, or undefined when it is in no application. */
export function describeMigrationTerms(
  server: Pick<SourceServer, 'applicationId'>,
  index: MigrationTermsIndex,
): MigrationTerms | undefined {
  const { applicationId } = server;
  if (applicationId === undefined) return undefined;
  const application = index.applications.get(applicationId);
  const waveId = application?.waveId;
  return {
    applicationId,
    application: application?.name ?? applicationId,
    ...(waveId !== undefined && { waveId, wave: index.waves.get(waveId)?.name ?? waveId }),
  };
}

/** `Wave 3 / payments`, `payments` without a wave, '' without terms; at most `maxLength` characters. */
export function labelMigrationTerms(terms: MigrationTerms | undefined, maxLength = 60): string {
  if (terms === undefined) return '';
  if (terms.wave === undefined) return clip(terms.application, maxLength);
  // Each part gets half the room, so a long wave name cannot push the application out of the label.
  const part = Math.max(1, Math.floor((maxLength - 3) / 2));
  return `${clip(terms.wave, part)} / ${clip(terms.application, part)}`;
}

/**
 * Items grouped by wave: waves in name order ("Wave 2" before "Wave 10"), then the items in no wave. The order of
 * items within a group is kept.
 */
export function groupByWave<T>(items: readonly T[], termsOf: (item: T) => MigrationTerms | undefined): WaveGroup<T>[] {
  const groups = new Map<string | undefined, { waveId?: string; wave?: string; items: T[] }>();
  for (const item of items) {
    const terms = termsOf(item);
    const key = terms?.waveId;
    const group = groups.get(key) ?? { ...(key !== undefined && { waveId: key, wave: terms?.wave }), items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => {
    if (a.waveId === undefined || b.waveId === undefined)
      return Number(a.waveId === undefined) - Number(b.waveId === undefined);
    return compareNames(a.wave ?? a.waveId, b.wave ?? b.waveId) || a.waveId.localeCompare(b.waveId);
  });
}

export interface TermsGroup<T> {
  /** Undefined for the items in no application. */
  readonly terms?: MigrationTerms;
  readonly items: readonly T[];
}

/**
 * Items grouped by wave (as `groupByWave`), then by application within each wave in name order, the items in no
 * application last. The order of items within a group is kept.
 */
export function groupByMigrationTerms<T>(
  items: readonly T[],
  termsOf: (item: T) => MigrationTerms | undefined,
): TermsGroup<T>[] {
  return groupByWave(items, termsOf).flatMap((wave) => {
    const byApplication = new Map<string | undefined, { terms?: MigrationTerms; items: T[] }>();
    for (const item of wave.items) {
      const terms = termsOf(item);
      const group = byApplication.get(terms?.applicationId) ?? { ...(terms && { terms }), items: [] };
      group.items.push(item);
      byApplication.set(terms?.applicationId, group);
    }
    return [...byApplication.values()].sort((a, b) => {
      if (a.terms === undefined || b.terms === undefined)
        return Number(a.terms === undefined) - Number(b.terms === undefined);
      return (
        compareNames(a.terms.application, b.terms.application) ||
        a.terms.applicationId.localeCompare(b.terms.applicationId)
      );
    });
  });
}

/** The waves or applications a person named: by ID exactly, or by name ignoring case (names need not be unique). */
export function findByNameOrId<T extends { readonly name: string }>(
  items: readonly T[],
  idOf: (item: T) => string,
  nameOrId: string,
): T[] {
  const wanted = nameOrId.trim();
  const byId = items.filter((item) => idOf(item) === wanted);
  if (byId.length > 0) return byId;
  return items.filter((item) => item.name.trim().localeCompare(wanted, undefined, { sensitivity: 'accent' }) === 0);
}

const compareNames = (a: string, b: string): number =>
  a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
