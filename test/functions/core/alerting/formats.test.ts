import { toPagerDutyEvent } from '../../../../functions/core/alerting/formats/pagerduty';
import { toSlackMessage } from '../../../../functions/core/alerting/formats/slack';
import { parseSnsMessage, toSnsMessage } from '../../../../functions/core/alerting/formats/sns';
import { toTeamsMessage } from '../../../../functions/core/alerting/formats/teams';
import type { Notification } from '../../../../functions/core/alerting/notification';

const opened: Notification = {
  version: 1,
  id: 'api@2026-01-01T12:00:00.000Z#1',
  incidentId: 'api@2026-01-01T12:00:00.000Z',
  kind: 'opened',
  severity: 'critical',
  component: 'api',
  status: 'down',
  title: 'api is down — <!channel> *now*',
  reasons: ['GET /health: connection refused'],
  checks: [
    { checkId: 'api-health', description: 'GET /health', status: 'unhealthy', error: 'connection refused' },
    { checkId: 'api-version', description: 'GET /version', status: 'healthy' },
  ],
  openedAt: '2026-01-01T12:00:00.000Z',
  at: '2026-01-01T12:00:00.000Z',
  labels: { platform: 'misybot', stage: 'prod' },
};
const resolved: Notification = {
  ...opened,
  id: `${opened.incidentId}#2`,
  kind: 'resolved',
  status: 'healthy',
  title: 'api recovered after 4m 10s',
  resolvedAt: '2026-01-01T12:04:10.000Z',
  durationMs: 250_000,
};

describe('SNS format', () => {
  it('has an ASCII subject under 100 characters, a JSON body and severity attributes', () => {
    const message = toSnsMessage({ ...opened, title: `${opened.title} ${'x'.repeat(200)}` });
    expect(message.subject).toMatch(/^\[CRITICAL\] misybot\/prod api is down - <!channel> \*now\* x+\.\.\.$/);
    expect(message.subject.length).toBeLessThan(100);
    expect(message.attributes).toEqual({ severity: 'critical', kind: 'opened', component: 'api' });
  });

  it('parses back to the same notification, and names the fields of a foreign message', () => {
    expect(parseSnsMessage(toSnsMessage(resolved).message)).toEqual(resolved);
    expect(() => parseSnsMessage('{"version":1,"kind":"opened"}')).toThrow(
      /not a notification \(fields: id, /,
    );
    expect(() => parseSnsMessage('not json')).toThrow(
      expect.objectContaining({ name: 'NotificationParseError' }),
    );
  });
});

describe('Slack format', () => {
  it('renders blocks listing only the checks that need attention, with mentions escaped', () => {
    const message = toSlackMessage(opened);
    const text = JSON.stringify(message);
    expect(message.text).toBe(
      ':rotating_light: [CRITICAL] misybot/prod api is down — &lt;!channel&gt; *now*',
    );
    // The header is plain_text, where Slack never expands mentions; mrkdwn text is escaped.
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(JSON.stringify(message.blocks.slice(1))).not.toContain('<!channel>');
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(text).toContain('GET /health* — unhealthy: connection refused');
    expect(text).not.toContain('GET /version');
  });

  it('shows the duration on a resolution', () => {
    expect(JSON.stringify(toSlackMessage(resolved))).toContain('*Duration*\\n4m 10s');
  });
});

describe('Teams format', () => {
  it('renders an Adaptive Card with facts, and links from probe text broken', () => {
    const message = toTeamsMessage(resolved);
    const card = message.attachments[0].content as {
      type: string;
      body: { type: string; text?: string; color?: string }[];
    };
    expect(message.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.type).toBe('AdaptiveCard');
    expect(card.body[0]).toMatchObject({
      color: 'Good',
      text: '[RESOLVED] misybot/prod api recovered after 4m 10s',
    });
    expect(JSON.stringify(card)).toContain('{"title":"Duration","value":"4m 10s"}');
    const phishing = { ...opened, title: 'api is down: [log in](https://evil.example)' };
    expect(JSON.stringify(toTeamsMessage(phishing))).toContain('[log in] (https://evil.example)');
  });
});

describe('PagerDuty format', () => {
  it('triggers with the incident id as dedup key and resolves the same key', () => {
    expect(toPagerDutyEvent(opened, 'key')).toMatchObject({
      routing_key: 'key',
      event_action: 'trigger',
      dedup_key: opened.incidentId,
      payload: {
        severity: 'critical',
        source: 'misybot/prod',
        component: 'api',
        group: 'prod',
        class: 'opened',
      },
    });
    expect(toPagerDutyEvent(resolved, 'key')).toEqual({
      routing_key: 'key',
      event_action: 'resolve',
      dedup_key: opened.incidentId,
    });
  });

  it('sends nothing for a held summary, since nothing was paged', () => {
    expect(toPagerDutyEvent({ ...resolved, kind: 'held-summary', severity: 'info' }, 'key')).toBeUndefined();
  });
});
