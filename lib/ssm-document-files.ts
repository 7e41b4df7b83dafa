// Where the SSM Command documents are written: the registry (lambdas/shared/documents.ts) names each file,
// this module knows the folder. Constants only (no CDK), so tests and tools read the documents without aws-cdk-lib.
import * as path from 'node:path';
import type { DocumentRole } from '../lambdas/core/model';
import { DOCUMENT_ROLES, DOCUMENTS } from '../lambdas/shared/documents';

export const DOCUMENT_FILES: Readonly<Record<DocumentRole, string>> = Object.fromEntries(
  DOCUMENT_ROLES.map((role) => [role, DOCUMENTS[role].file]),
) as Record<DocumentRole, string>;

export { DOCUMENT_ROLES };

export const DOCUMENTS_DIRECTORY = path.join(__dirname, 'ssm-documents');
