// The chat rendering of a run's report: Amazon Q Developer in chat applications (formerly AWS Chatbot) shows only
// its own custom-notification JSON, never a plain-text SNS message (docs/design.md section 7, "Chat"). A short
// summary, the news groups by section, and the servers that need a person with their console links. Nothing from
// outside the doctor reaches it unless made plain and stripped of the characters Slack's and Teams' markdown use
// for links and mentions, so a hostname cannot forge text or ping a channel.
import { groupNews, SECTION_TITLES, type DigestSection, type NewsGroup } from './digest-groups';
import { mgnServerUrl } from './digest';
import type { OutcomeReport } from './outcome-report';
import type { ServerReport } from './report';
import { clip } from './text';
import { runCommandHistoryUrl } from '../shared/console-links';

/** The custom-notification event, as the service documents it: `version`, `source` and `content` are required. */
export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

/**
 * The doctor's bounds (docs/design.md section 7): the description fits one Slack section block (3,000
 * characters), and the whole event stays small beside the e-mail text in one 256 KB SNS message.
 */
export const CHAT_LIMITS = {
  title: 250,
  description: 3_000,
  nextSteps: 5,
  nextStep: 300,
  keywords: 5,
  keyword: 30,
  relatedResources: 10,
  line: 200,
  bytes: 16_000,
} as const;

const PERSON_SECTIONS: ReadonlySet<DigestSection> = new Set(['ESCALATED', 'PERSON']);
const SOURCE_SERVER_ID = /^s-[0-9a-zA-Z]{17}$/;

/** Text from outside made plain, with no character either platform's markdown turns into a link or a mention. */
export function chatText(value: string, max: number): string {
  // `<…>` and `[…](…)` make links and mentions; `scheme://` a link whose text the sender chose to look harmless.
  const angled = value.replace(/</g, '‹').replace(/>/g, '›').replace(/:\/\//g, ': //');
  return clip(angled.replace(/[^\p{L}\p{N}\s._,:;/=+%'()‹›—-]/gu, '?'), max);
}

export function renderChatNotification(report: OutcomeReport): ChatNotification {
  const { facts, digest } = report;
  const groups = groupNews(facts.news);
  const person = facts.news.filter((server) => needsPerson(groups, server));
  return {
    version: '1.0',
    source: 'custom',
    id: `mgn-replication-doctor-${chatText(facts.runId, 40)}`,
    content: {
      textType: 'client-markdown',
      title: chatText(digest.subject, CHAT_LIMITS.title),
      description: composeDescription(report, groups, person),
      nextSteps: composeNextSteps(report, person),
      keywords: ['MGN', facts.region, ...(person.length > 0 ? ['needs a person'] : [])].map((word) =>
        chatText(word, CHAT_LIMITS.keyword),
      ),
    },
    metadata: {
      summary: chatText(digest.sms, CHAT_LIMITS.line),
      eventType: 'MgnReplicationDoctorDigest',
      relatedResources: person
        .map((server) => server.server.arn)
        .filter(
          (arn): arn is string => arn !== undefined && /^arn:[\w-]+:mgn:[\w-]+:\d{12}:source-server\/s-\w+$/.test(arn),
        )
        .slice(0, CHAT_LIMITS.relatedResources),
      additionalContext: { account: facts.accountId, region: facts.region, runId: chatText(facts.runId, 40) },
    },
  };
}

const needsPerson = (groups: readonly NewsGroup[], server: ServerReport): boolean =>
  groups.some((group) => PERSON_SECTIONS.has(group.section) && group.reports.includes(server));

/** Sections and groups first (every group, counted), then as many servers that need a person as fit. */
function composeDescription(report: OutcomeReport, groups: readonly NewsGroup[], person: ServerReport[]): string {
  const { facts } = report;
  const lines: string[] = [];
  for (const group of groups) {
    const title = SECTION_TITLES[group.section];
    if (!lines.includes(`*${title}*`)) lines.push(`*${title}*`);
    lines.push(`• ${chatText(group.title, CHAT_LIMITS.line)}: ${group.reports.length} server(s)`);
  }
  if (person.length > 0) lines.push('', `*Servers that need a person (${person.length})*`);
  const tail = (left: number) => `…and ${left} more: every server is in the e-mail digest.`;
  const fits = (extra: string[]) => [...lines, ...extra].join('\n').length <= CHAT_LIMITS.description;
  for (const [index, server] of person.entries()) {
    const line = describeServerLine(server, facts.region);
    if (!fits([line, tail(person.length - index - 1)])) {
      lines.push(tail(person.length - index));
      break;
    }
    lines.push(line);
  }
  const text = lines.join('\n');
  return text.length <= CHAT_LIMITS.description ? text : `${text.slice(0, CHAT_LIMITS.description - 1)}…`;
}

/** `• web-01 (s-…) STALLED AGENT_NOT_SEEN: <console link>` */
function describeServerLine(report: ServerReport, region: string): string {
  const { server, classification } = report;
  const id = SOURCE_SERVER_ID.test(server.sourceServerId) ? server.sourceServerId : 'unrecognised ID';
  const name = chatText(server.hostname ?? server.fqdn ?? 'unknown host', 60);
  const code = server.errorCode ? ` ${chatText(server.errorCode, 60)}` : '';
  const link = SOURCE_SERVER_ID.test(server.sourceServerId) ? `: ${mgnServerUrl(region, server.sourceServerId)}` : '';
  return `• ${name} (${id}) ${report.news ?? classification.condition}${code}${link}`;
}

/** The advice of each group that needs a person (the doctor's own words), then where every detail is. */
function composeNextSteps(report: OutcomeReport, person: readonly ServerReport[]): string[] {
  const advice = [...new Set(person.map((server) => server.playbook?.guidance).filter((text) => text !== undefined))];
  const where = `Every server, command and output: the e-mail digest, and Run Command history ${runCommandHistoryUrl(report.facts.region)}`;
  return [...advice.slice(0, CHAT_LIMITS.nextSteps - 1).map((text) => chatText(text, CHAT_LIMITS.nextStep)), where];
}
