// The single-account Lambda's environment with placeholder names, for handler tests whose SDK clients are mocked
// (the results wait is 0: nothing waits for hosts there).
import { ENV } from '../../lambdas/shared/environment';
import { DEFAULT_SETTINGS, type DoctorSettings, renderSettingsEnvironment } from '../../lambdas/shared/settings';

export function aLambdaEnvironment(settings: DoctorSettings = DEFAULT_SETTINGS): Record<string, string> {
  return {
    ...renderSettingsEnvironment({ ...settings, resultWaitSeconds: 0 }),
    [ENV.topicArn]: 'arn:aws:sns:us-west-2:111122223333:doctor',
    [ENV.ledgerTableName]: 'ledger',
    [ENV.restartAgentDocument]: 'Doctor-RestartReplicationAgent-1',
    [ENV.checkDiskDocument]: 'Doctor-CheckDiskSpace-1',
    [ENV.checkConnectivityDocument]: 'Doctor-CheckConnectivity-1',
    [ENV.commandLogGroup]: '/doctor/commands',
    [ENV.traceAwsCalls]: 'false',
    AWS_REGION: 'us-west-2',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}
