// What the doctor uses of the STS SDK, loaded on first use (aws-clients.ts): only a hub assumes its spokes' roles.
// The Lambda bundle builds this module into its own file (lib/lambda-bundling.ts).
export { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
