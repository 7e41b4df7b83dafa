// Runs of the doctor's core in tests: each one a scheduled run named run1, run2, … unless the request says
// otherwise (an event run, one server).
import { type DoctorDependencies, type RunRequest, runDoctor } from '../../lambdas/core/run/run-doctor';
import type { DoctorSettings } from '../../lambdas/shared/settings';

export const TEST_ACCOUNT_ID = '111122223333';

export function numberedRuns(region: string) {
  let runs = 0;
  return (request: Partial<RunRequest>, settings: DoctorSettings, deps: DoctorDependencies) =>
    runDoctor(
      { runId: `run${++runs}`, trigger: 'schedule', ...request },
      settings,
      { region, accountId: TEST_ACCOUNT_ID },
      deps,
    );
}
