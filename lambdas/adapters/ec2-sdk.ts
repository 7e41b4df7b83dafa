// What the doctor uses of the EC2 SDK, loaded on first use (aws-clients.ts). The Lambda bundle builds this module
// into its own file (lib/lambda-bundling.ts), with only these exports' share of the SDK.
export { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
