import type { App, Environment, StackProps } from 'aws-cdk-lib';
import type { PlatformConfig } from '../../functions/shared/config';
import { PlatformStack } from '../platform-stack';
import { StandbyKeyStack } from './standby-key-stack';
import { StandbyRegionStack } from './standby-stack';

/** The stacks of one platform: the primary, and with `regions` the standby key and standby stacks. */
export interface PlatformStacks {
  readonly primary: PlatformStack;
  readonly standbyKey?: StandbyKeyStack;
  readonly standby?: StandbyRegionStack;
}

/**
 * Adds the platform's stacks to `app`. One region: `<name>-ha`, as before. With `regions`:
 * `<name>-ha` in the primary region, `<name>-ha-standby-key` and `<name>-ha-standby` in the
 * standby one, deployed in that order (`cdk deploy --all` follows the dependencies), with
 * cross-region references between them (CloudFormation `Fn::GetStackOutput`, read at deploy time).
 */
export function addPlatformStacks(app: App, config: PlatformConfig): PlatformStacks {
  const { account, region, stage } = config.environment;
  const common = (description: string): StackProps => ({
    description: `${description} (${stage})`,
    tags: { 'misybot:platform': config.name, 'misybot:stage': stage },
  });
  const name = `${config.name}-ha`;
  if (!config.regions) {
    const env: Environment | undefined = account || region ? { account, region } : undefined;
    return {
      primary: new PlatformStack(app, name, {
        config,
        env,
        ...common('MisyBot scalability and high-availability layer'),
      }),
    };
  }
  const { primary: home, secondary } = config.regions;
  const standbyKey = new StandbyKeyStack(app, `${name}-standby-key`, {
    platformName: config.name,
    env: { account, region: secondary.region },
    ...common(`MisyBot HA standby region key for the state table replica, ${secondary.region}`),
  });
  const primary = new PlatformStack(app, name, {
    config,
    env: { account, region: home.region },
    crossRegionReferences: true,
    ...common(`MisyBot scalability and high-availability layer, primary region ${home.region}`),
  });
  primary.addStackDependency(standbyKey, 'the global state table encrypts its replica with the standby key');
  const standby = new StandbyRegionStack(app, `${name}-standby`, {
    config,
    primary,
    stateKey: standbyKey.key,
    env: { account, region: secondary.region },
    crossRegionReferences: true,
    ...common(`MisyBot HA warm standby region ${secondary.region}`),
  });
  return { primary, standbyKey, standby };
}
