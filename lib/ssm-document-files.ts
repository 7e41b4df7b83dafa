// The SSM Command documents the doctor runs, by role, and where each one is written. Constants only (no CDK),
// so tests and tools can read the documents without loading aws-cdk-lib.
import * as path from 'node:path';
import type { DocumentRole } from '../lambdas/core/model';

export const DOCUMENT_FILES: Readonly<Record<DocumentRole, string>> = {
  RestartReplicationAgent: 'restart-replication-agent.yaml',
  CheckDiskSpace: 'check-disk-space.yaml',
  CheckConnectivity: 'check-connectivity.yaml',
};

export const DOCUMENT_ROLES = Object.keys(DOCUMENT_FILES) as DocumentRole[];

export const DOCUMENTS_DIRECTORY = path.join(__dirname, 'ssm-documents');
