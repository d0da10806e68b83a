import { humanDuration, type Notification, notificationHeadline } from '../notification';

/** A Slack incoming-webhook body: `text` is the fallback for notifications, `blocks` the message. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

const EMOJI: Readonly<Record<string, string>> = {
  resolved: ':white_check_mark:',
  'held-summary': ':information_source:',
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
};

// Slack limits a section's text to 3000 characters and a message to 50 blocks.
const TEXT_MAX = 2900;
const MAX_CHECK_LINES = 20;

/** Renders a notification as Slack Block Kit. User text is escaped so it cannot ping or link. */
export function toSlackMessage(notification: Notification): SlackMessage {
  const headline = notificationHeadline(notification);
  const emoji = EMOJI[notification.kind] ?? EMOJI[notification.severity] ?? '';
  const checks = notification.checks
    .filter((check) => check.status !== 'healthy' || check.warning)
    .slice(0, MAX_CHECK_LINES)
    .map(
      (check) =>
        `• *${escapeMrkdwn(check.description)}* — ${check.status}${detail(check.error ?? check.warning)}`,
    );
  const fields = [
    field('Component', notification.component),
    field('Status', notification.status),
    field('Severity', notification.severity),
    field('Opened', notification.openedAt),
    ...(notification.durationMs === undefined
      ? []
      : [field('Duration', humanDuration(notification.durationMs))]),
    ...(notification.held
      ? [field('Held', `${notification.held.rounds} round(s) during ${notification.held.reasons.join(', ')}`)]
      : []),
  ];
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${headline}`, 150), emoji: true } },
    { type: 'section', fields },
  ];
  if (checks.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(checks.join('\n'), TEXT_MAX) } });
  }
  const labels = Object.entries(notification.labels).map(([key, value]) => `${key}=${value}`);
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: escapeMrkdwn(`incident ${notification.incidentId} · ${labels.join(' ')}`) },
    ],
  });
  return { text: `${emoji} ${escapeMrkdwn(headline)}`.trim(), blocks };
}

function field(label: string, value: string) {
  return { type: 'mrkdwn', text: `*${label}*\n${escapeMrkdwn(value)}` };
}

function detail(text: string | undefined): string {
  return text === undefined ? '' : `: ${escapeMrkdwn(text)}`;
}

/** Slack's three control characters; escaping them stops `<!channel>` and link injection. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
