import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defaultConfigInput, parsePlatformConfig } from '../../functions/shared/config';
import { PlatformStack } from '../../lib/platform-stack';

/**
 * A CDK app for local runs: the platform exactly as `bin/app.ts` builds it (the embedded default
 * configuration, or `-c config=FILE`), plus named variants of that configuration as stacks of
 * their own (`-c variants='{"autofailback":{"failover":{"autoFailback":true}}}'` adds the stack
 * `<name>-ha-autofailback`). One synth bundles each function once for every variant.
 */

type Json = Record<string, unknown>;

function merge(base: Json, overrides: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    const bothObjects =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current);
    merged[key] = bothObjects ? merge(current as Json, value as Json) : value;
  }
  return merged;
}

const app = new App();
const configPath: unknown = app.node.tryGetContext('config');
const base: Json =
  typeof configPath === 'string'
    ? (JSON.parse(readFileSync(configPath, 'utf8')) as Json)
    : (defaultConfigInput as Json);
const variantsContext: unknown = app.node.tryGetContext('variants');
const variants = (
  typeof variantsContext === 'string' ? JSON.parse(variantsContext) : (variantsContext ?? {})
) as Record<string, Json>;

for (const [suffix, overrides] of [['', {}] as [string, Json], ...Object.entries(variants)]) {
  const config = parsePlatformConfig(merge(base, overrides), suffix ? `variant ${suffix}` : 'configuration');
  const { account, region } = config.environment;
  new PlatformStack(app, `${config.name}-ha${suffix ? `-${suffix}` : ''}`, {
    config,
    env: account || region ? { account, region } : undefined,
    description: `MisyBot scalability and high-availability layer (${config.environment.stage})`,
    tags: { 'misybot:platform': config.name, 'misybot:stage': config.environment.stage },
  });
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
