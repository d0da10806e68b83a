import { toSlackMessage } from '../../../../functions/core/alerting/formats/slack';
import { toSnsMessage } from '../../../../functions/core/alerting/formats/sns';
import { notificationFromTopicMessage } from '../../../../functions/core/alerting/formats/topic-message';
import { type Notification, notificationSchema } from '../../../../functions/core/alerting/notification';

const base = { messageId: 'm-1', timestamp: '2026-01-01T00:00:05.000Z', severity: 'critical' as const };

const notification: Notification = {
  version: 1,
  id: 'api@2026-01-01T00:00:00.000Z#1',
  incidentId: 'api@2026-01-01T00:00:00.000Z',
  kind: 'opened',
  severity: 'critical',
  component: 'api',
  status: 'down',
  title: 'api is down',
  reasons: ['api check: HTTP 503, expected 200-299'],
  checks: [{ checkId: 'api-endpoint', description: 'api check', status: 'unhealthy', error: 'HTTP 503' }],
  openedAt: '2026-01-01T00:00:00.000Z',
  at: '2026-01-01T00:00:00.000Z',
  labels: { platform: 'misybot' },
};

const alarm = (state: string) =>
  JSON.stringify({
    AlarmName: 'misybot-alb-5xx',
    AlarmDescription: '[critical] ALB 5xx responses ≥ 5% of requests',
    AWSAccountId: '123456789012',
    NewStateValue: state,
    NewStateReason: 'Threshold Crossed: 1 datapoint [7.5] was greater than or equal to the threshold (5.0).',
    StateChangeTime: '2026-01-01T00:01:00.000+0000',
    Region: 'EU (Ireland)',
    OldStateValue: 'OK',
    Trigger: { MetricName: 'HTTPCode_ELB_5XX_Count' },
  });

describe('notificationFromTopicMessage', () => {
  it('returns the health check’s own notifications as they were published', () => {
    const { message, subject } = toSnsMessage(notification);
    expect(notificationFromTopicMessage({ ...base, message, subject })).toEqual(notification);
  });

  it('turns a CloudWatch alarm into an opened notification with its reason, at the state change time', () => {
    const result = notificationFromTopicMessage({ ...base, message: alarm('ALARM'), subject: 'ALARM: ...' });
    expect(notificationSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      kind: 'opened',
      severity: 'critical',
      status: 'down',
      component: 'misybot-alb-5xx',
      title: 'misybot-alb-5xx is ALARM',
      incidentId: 'alarm:misybot-alb-5xx',
      at: '2026-01-01T00:01:00.000Z',
      checks: [
        {
          checkId: 'misybot-alb-5xx',
          description: '[critical] ALB 5xx responses ≥ 5% of requests',
          status: 'unhealthy',
          error: expect.stringContaining('Threshold Crossed'),
        },
      ],
    });
    expect(JSON.stringify(toSlackMessage(result))).toContain('Threshold Crossed');
  });

  it('resolves on OK, and a warning-topic alarm is degraded rather than down', () => {
    expect(notificationFromTopicMessage({ ...base, message: alarm('OK') })).toMatchObject({
      kind: 'resolved',
      status: 'healthy',
      title: 'misybot-alb-5xx is back to OK',
    });
    expect(
      notificationFromTopicMessage({ ...base, severity: 'warning', message: alarm('ALARM') }),
    ).toMatchObject({
      status: 'degraded',
      severity: 'warning',
    });
  });

  it('renders anything else (e.g. an Auto Scaling notification) from its subject and text', () => {
    const message = JSON.stringify({
      Event: 'autoscaling:EC2_INSTANCE_LAUNCH',
      Description: 'Launching a new EC2 instance',
    });
    const result = notificationFromTopicMessage({
      ...base,
      severity: 'info',
      subject: 'Auto Scaling: launch for group "misybot-fleet"',
      message,
    });
    expect(notificationSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      id: 'sns:m-1',
      kind: 'updated',
      severity: 'info',
      title: 'Auto Scaling: launch for group "misybot-fleet"',
      checks: [{ checkId: 'message', status: 'unknown', error: message }],
      at: base.timestamp,
    });
  });

  it('keeps long text within what the chat formats accept', () => {
    const result = notificationFromTopicMessage({ ...base, message: `plain text ${'x'.repeat(5000)}` });
    expect(result.title.length).toBeLessThanOrEqual(150);
    expect(result.checks[0]!.error!.length).toBeLessThanOrEqual(1500);
  });
});
