import { humanDuration, type Notification, notificationHeadline } from '../notification';

/**
 * A Microsoft Teams incoming-webhook body carrying an Adaptive Card (what both Workflows webhooks
 * and the older Office 365 connectors accept).
 */
export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: readonly [
    {
      readonly contentType: 'application/vnd.microsoft.card.adaptive';
      readonly contentUrl: null;
      readonly content: Record<string, unknown>;
    },
  ];
}

const COLOR: Readonly<Record<string, string>> = {
  resolved: 'Good',
  'held-summary': 'Accent',
  critical: 'Attention',
  warning: 'Warning',
  info: 'Accent',
};

const MAX_CHECK_LINES = 20;

/** Renders a notification as an Adaptive Card 1.4. */
export function toTeamsMessage(notification: Notification): TeamsMessage {
  const facts = [
    { title: 'Component', value: notification.component },
    { title: 'Status', value: notification.status },
    { title: 'Severity', value: notification.severity },
    { title: 'Opened', value: notification.openedAt },
    ...(notification.durationMs === undefined
      ? []
      : [{ title: 'Duration', value: humanDuration(notification.durationMs) }]),
    ...(notification.held
      ? [
          {
            title: 'Held',
            value: `${notification.held.rounds} round(s) during ${notification.held.reasons.join(', ')}`,
          },
        ]
      : []),
    ...Object.entries(notification.labels).map(([title, value]) => ({ title, value })),
  ];
  const checks = notification.checks
    .filter((check) => check.status !== 'healthy' || check.warning)
    .slice(0, MAX_CHECK_LINES)
    .map((check) => ({
      type: 'TextBlock',
      wrap: true,
      spacing: 'Small',
      text: `- **${plain(check.description)}**: ${check.status}${(check.error ?? check.warning) ? ` — ${plain(check.error ?? check.warning ?? '')}` : ''}`,
    }));
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              size: 'Large',
              weight: 'Bolder',
              wrap: true,
              color: COLOR[notification.kind] ?? COLOR[notification.severity] ?? 'Default',
              text: plain(notificationHeadline(notification)),
            },
            {
              type: 'FactSet',
              facts: facts.map((fact) => ({ title: fact.title, value: plain(fact.value) })),
            },
            ...checks,
            {
              type: 'TextBlock',
              isSubtle: true,
              size: 'Small',
              wrap: true,
              text: `incident ${plain(notification.incidentId)}`,
            },
          ],
        },
      },
    ],
  };
}

/**
 * Adaptive Card TextBlocks render a little Markdown and have no escape syntax; breaking the link
 * form keeps text from probes (error messages, response bodies) from becoming a clickable link.
 */
function plain(text: string): string {
  return text.replace(/\]\(/g, '] (');
}
