// docs/design.md section 7, "The migration's own terms": MGN applications and waves are read only when a digest
// has something to tell and one of the servers it names is in an application; each report then carries its wave
// and application.
import { errorText } from '../concurrency';
import {
  describeMigrationTerms,
  indexMigrationTerms,
  labelMigrationTerms,
  usesMigrationTerms,
  type MigrationTermsIndex,
} from '../migration-terms';
import type { SourceServer } from '../model';
import type { ServerReport } from '../report';
import type { DoctorDependencies } from './dependencies';

/** The index of applications and waves, or undefined when none of `servers` is in an application. */
export async function readMigrationTerms(
  servers: readonly Pick<SourceServer, 'applicationId'>[],
  deps: Pick<DoctorDependencies, 'servers' | 'log'>,
): Promise<MigrationTermsIndex | undefined> {
  if (!usesMigrationTerms(servers)) return undefined;
  try {
    const [applications, waves] = await Promise.all([deps.servers.listApplications(), deps.servers.listWaves()]);
    return indexMigrationTerms(applications, waves);
  } catch (error) {
    // The terms only label the digest: without them, lines name the application by ID and the digest goes out.
    deps.log.warn('Could not read MGN applications and waves; the digest names applications by ID', {
      error: errorText(error),
    });
    return indexMigrationTerms([], []);
  }
}

/** The report with its wave and application, when the server is in an application. */
export function labelReport(report: ServerReport, index: MigrationTermsIndex | undefined): ServerReport {
  const terms = index && describeMigrationTerms(report.server, index);
  return terms ? { ...report, terms, label: labelMigrationTerms(terms) } : report;
}
