// What the doctor uses of the IAM SDK, loaded on first use (aws-clients.ts). The Lambda bundle builds this module
// into its own file (lib/lambda-bundling.ts), with only these exports' share of the SDK.
export { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
