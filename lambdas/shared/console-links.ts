// Addresses in the AWS Management Console, by Region. Each partition has its own console domain, so a link
// built for the commercial console is dead in China and GovCloud. One module for the stack (outputs,
// dashboard) and the Lambda (digest); no CDK import, so the bundle stays free of aws-cdk-lib.
//
// Domains as the AWS documentation links them, with the Region as a subdomain in every partition:
// https://<region>.console.aws.amazon.com, https://cn-north-1.console.amazonaws.cn,
// https://us-gov-west-1.console.amazonaws-us-gov.com.

/** The partitions whose console domain is published; every other Region belongs to `aws`. */
export type ConsolePartition = 'aws' | 'aws-cn' | 'aws-us-gov';

export const CONSOLE_DOMAINS: Readonly<Record<ConsolePartition, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** The partition of a Region name: `cn-north-1` → `aws-cn`, `us-gov-west-1` → `aws-us-gov`, else `aws`. */
export function partitionOf(region: string): ConsolePartition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `https://<region>.<console domain>` for the Region's partition. */
export function consoleOrigin(region: string): string {
  return `https://${region}.${CONSOLE_DOMAINS[partitionOf(region)]}`;
}

/** Systems Manager → Run Command → Command history. */
export function runCommandHistoryUrl(region: string): string {
  return `${consoleOrigin(region)}/systems-manager/run-command/complete-commands?region=${region}`;
}

/** A CloudWatch dashboard. */
export function dashboardUrl(region: string, dashboardName: string): string {
  return `${consoleOrigin(region)}/cloudwatch/home?region=${region}#dashboards:name=${dashboardName}`;
}

/** A CloudWatch Logs log group; the console wants a `/` in the name written as `$252F`. */
export function logGroupUrl(region: string, logGroupName: string): string {
  const encoded = logGroupName.split('/').join('$252F');
  return `${consoleOrigin(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encoded}`;
}
