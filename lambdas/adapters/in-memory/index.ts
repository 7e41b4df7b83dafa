// In-memory implementations of the core's ports (lambdas/core/ports.ts), next to the AWS ones they stand in
// for. The unit tests, the offline demo and the preview CLI use them; the Lambda handler never imports them.
export { ManualClock } from './clock';
export { type HostAnswer, RecordingCommandRunner } from './command-runner';
export { InMemoryHeldReportStore } from './held-report-store';
export { MemoryLog } from './log';
export { InMemoryManagedAccountDirectory } from './managed-account-directory';
export { InMemoryNodeDirectory } from './managed-node-directory';
export { InMemoryNodeInventoryCache } from './node-inventory-cache';
export { RecordingPublisher } from './outcome-publisher';
export { InMemoryLedger } from './remediation-ledger';
export { InMemoryReplicationServerLocator } from './replication-server-locator';
export {
  InMemorySourceServerRepository,
  type RetryCall,
  selectApplications,
  selectSourceServers,
} from './source-server-repository';
