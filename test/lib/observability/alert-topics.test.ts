import { Template } from 'aws-cdk-lib/assertions';
import { defaultConfigInput, parsePlatformConfig } from '../../../functions/shared/config';
import { AlertTopics } from '../../../lib/observability/alert-topics';
import { testStack } from '../../support/cdk';

function build(alerting = parsePlatformConfig(defaultConfigInput).alerting) {
  const stack = testStack();
  const topics = new AlertTopics(stack, 'Alerts', { settings: alerting });
  return { stack, topics, template: Template.fromStack(stack) };
}

describe('AlertTopics', () => {
  test('encrypts all three topics with one rotating customer-managed key', () => {
    const { stack, topics, template } = build();
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const topicResources = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topicResources)).toHaveLength(3);
    for (const topic of Object.values(topicResources)) {
      expect(topic.Properties.KmsMasterKeyId).toEqual(stack.resolve(topics.key.keyArn));
    }
  });

  test('each topic policy denies publishing without TLS and lets this account’s alarms publish', () => {
    const { stack, topics, template } = build();
    for (const topic of [topics.critical, topics.warning, topics.info]) {
      const policies = template.findResources('AWS::SNS::TopicPolicy', {
        Properties: { Topics: [stack.resolve(topic.topicArn)] },
      });
      const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }),
      );
    }
  });

  test('the key policy lets CloudWatch, EventBridge and the Auto Scaling service-linked role encrypt', () => {
    const { template } = build();
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const statements = key!.Properties.KeyPolicy.Statement as Record<string, unknown>[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
    const autoScaling = statements.find((s) => s.Sid === 'AllowAutoScalingNotificationsToPublish');
    expect(JSON.stringify(autoScaling)).toContain(
      'role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*',
    );
  });

  test('subscribes e-mail, SMS and HTTPS endpoints to the topic of their severity', () => {
    const { stack, topics, template } = build();
    const ref = (severity: 'critical' | 'warning' | 'info') => stack.resolve(topics.topic(severity).topicArn);
    template.resourceCountIs('AWS::SNS::Subscription', 4);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: ref('critical'),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      Endpoint: '+447700900123',
      TopicArn: ref('critical'),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'sre@example.com',
      TopicArn: ref('warning'),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/misybot/info',
      TopicArn: ref('info'),
    });
  });

  test('collects Slack and Teams channels for the formatter instead of subscribing them', () => {
    const { topics, template } = build();
    expect(topics.webhookSubscriptions).toEqual([
      { severity: 'critical', protocol: 'slack', webhookSecretName: 'misybot/alerts/slack-webhook' },
      { severity: 'warning', protocol: 'teams', webhookSecretName: 'misybot/alerts/teams-webhook' },
    ]);
    const protocols = Object.values(template.findResources('AWS::SNS::Subscription')).map(
      (s) => s.Properties.Protocol,
    );
    expect(protocols).not.toContain('slack');
    expect(protocols).not.toContain('teams');
  });

  test('topic(severity) returns the matching topic', () => {
    const { topics } = build();
    expect(topics.topic('critical')).toBe(topics.critical);
    expect(topics.topic('warning')).toBe(topics.warning);
    expect(topics.topic('info')).toBe(topics.info);
  });

  test('no subscriptions configured means topics without subscribers', () => {
    const { topics, template } = build(parsePlatformConfig({}).alerting);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(topics.webhookSubscriptions).toEqual([]);
  });

  test('rejects an empty display name prefix', () => {
    expect(
      () =>
        new AlertTopics(testStack(), 'Alerts', {
          settings: parsePlatformConfig({}).alerting,
          displayNamePrefix: ' ',
        }),
    ).toThrow(/displayNamePrefix must hold 1 to 80 characters/);
  });
});
