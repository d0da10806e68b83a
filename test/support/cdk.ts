import { App, Stack } from 'aws-cdk-lib';
import { SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import cdkJson from '../../cdk.json';
import type { SeverityTopics } from '../../lib/observability/alert-topics';

/**
 * An App with the project's cdk.json feature flags (without them the ASG would emit a launch
 * configuration) and with asset bundling skipped: tests assert the template, `cdk synth` in CI
 * proves the bundles build.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
}

/** An environment-agnostic stack, like the default config's: nothing in it may need a lookup. */
export function testStack(app: App = testApp(), id = 'TestStack'): Stack {
  return new Stack(app, id);
}

/** A two-zone VPC with the platform's three subnet tiers, for constructs that take a VPC. */
export function testVpc(stack: Stack, id = 'Vpc'): Vpc {
  return new Vpc(stack, id, {
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'Public', subnetType: SubnetType.PUBLIC },
      { name: 'Private', subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Isolated', subnetType: SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

/** Alert topics that are all one topic, for a construct whose test follows a single topic. */
export function singleTopic(topic: ITopic): SeverityTopics {
  return { topic: () => topic };
}
