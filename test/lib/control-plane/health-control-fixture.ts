import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { platformHealthChecks } from '../../../functions/core/health/platform-checks';
import { parsePlatformConfig } from '../../../functions/shared/config';
import { HealthControl, type HealthControlProps } from '../../../lib/control-plane/health-control';
import { StateTable } from '../../../lib/control-plane/state-table';
import { AlertTopics } from '../../../lib/observability/alert-topics';
import { testStack } from '../../support/cdk';

/** The fleet's target group in the health-control tests. */
export const TARGET_GROUP =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/primary/0123456789abcdef';

/** Checks of a small platform: endpoint, one target group, cluster, cache and one control function. */
export const checks = platformHealthChecks({
  endpointUrl: 'https://api.example.com',
  healthCheckPath: '/health',
  targetGroupArns: [TARGET_GROUP],
  clusterIdentifier: 'misybot-db',
  replicationGroupId: 'misybot-cache',
  controlFunctions: [{ name: 'scaling', functionName: 'misybot-scaling' }],
});

/** Slack and Teams on critical, Slack on warning, e-mail on info. */
export const alerting = parsePlatformConfig({
  alerting: {
    critical: [
      { protocol: 'slack', webhookSecretName: 'misybot/slack-oncall' },
      { protocol: 'teams', webhookSecretName: 'misybot/teams-oncall' },
    ],
    warning: [{ protocol: 'slack', webhookSecretName: 'misybot/slack-ops' }],
    info: [{ protocol: 'email', endpoint: 'ops@example.com' }],
  },
}).alerting;

/** A HealthControl with its topics and state table in a test stack. */
export function build(
  extra: Partial<HealthControlProps> = {},
  stack: Stack = testStack(),
  settings = alerting,
) {
  const topics = new AlertTopics(stack, 'Alerts', { settings });
  const state = new StateTable(stack, 'State');
  const control = new HealthControl(stack, 'Health', {
    stateTable: state.table,
    topics,
    chatChannels: topics,
    checks,
    logRetentionDays: 30,
    memorySize: 512,
    ...extra,
  });
  // Lazily: synthesising here would cache the assembly before cdk-nag is added.
  return { stack, topics, state, control, template: () => Template.fromStack(stack) };
}
