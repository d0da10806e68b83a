import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { parsePlatformConfig } from '../../../functions/shared/config';
import { FailoverControl, type FailoverControlProps } from '../../../lib/control-plane/failover-control';
import { StateTable } from '../../../lib/control-plane/state-table';
import { AlertTopics } from '../../../lib/observability/alert-topics';
import { testStack } from '../../support/cdk';

/** The construct on a test stack with its real neighbours: alert topics, the state table, two alarms. */

export const config = parsePlatformConfig({});

export function build(extra: Partial<FailoverControlProps> = {}, stack: Stack = testStack()) {
  const topics = new AlertTopics(stack, 'Alerts', { settings: config.alerting });
  const state = new StateTable(stack, 'State');
  const alarm = (id: string) =>
    new Alarm(stack, id, {
      metric: new Metric({ namespace: 'Test', metricName: id }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  const unhealthyHosts = alarm('UnhealthyHosts');
  const replicaLag = alarm('ReplicaLag');
  const control = new FailoverControl(stack, 'Failover', {
    stateTable: state.table,
    topics,
    healthCheckId: 'hc-0123',
    clusterIdentifier: 'misybot-aurora',
    replicationGroupId: 'misybot-cache',
    settings: config.failover,
    componentAlarms: [
      { component: 'dns', alarm: unhealthyHosts },
      { component: 'database', alarm: replicaLag },
    ],
    logRetentionDays: 30,
    memorySize: 512,
    ...extra,
  });
  // The template is read lazily: synthesising here would run the validations before cdk-nag is added.
  return {
    stack,
    control,
    topics,
    state,
    unhealthyHosts,
    replicaLag,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

/** Every statement of the role policies, actions as sorted arrays (CDK sorts them too). */
export function statements(template: Template) {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map(
      (s) => ({ actions: ([] as string[]).concat(s.Action).sort(), resource: s.Resource }),
    ),
  );
}

export function statementFor(template: Template, action: string) {
  const found = statements(template).filter((s) => s.actions.includes(action));
  if (found.length !== 1) throw new Error(`${action} is in ${found.length} statements`);
  return found[0]!;
}
