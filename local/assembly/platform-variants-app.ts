import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defaultConfigInput, parsePlatformConfig } from '../../functions/shared/config';
import { PlatformStack } from '../../lib/platform-stack';
import { runEsbuildDirectly } from './direct-esbuild';

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

runEsbuildDirectly(resolve(__dirname, '..', '..'));
// CDK's built-in CloudFormation rules start a WASM engine: 5-7 s of CPU, a tenth of a first
// `npm start`. cdk-nag still checks every stack here, and `cdk synth` (CI, a deploy) runs both
// on the same sources; the template is the same either way.
const app = new App({ builtinCloudFormationValidation: false });
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
