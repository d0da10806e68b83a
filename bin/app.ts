import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadPlatformConfig } from '../functions/shared/config/load-file';
import { ConfigError } from '../functions/shared/errors';
import { PlatformStack } from '../lib/platform-stack';

const app = new App();
const configPath: unknown = app.node.tryGetContext('config');
if (configPath !== undefined && typeof configPath !== 'string') {
  console.error('-c config=PATH: expected the path of a JSON configuration file');
  process.exit(2);
}

let config: ReturnType<typeof loadPlatformConfig>;
try {
  config = loadPlatformConfig(configPath);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}

const { account, region } = config.environment;
new PlatformStack(app, `${config.name}-ha`, {
  config,
  env: account || region ? { account, region } : undefined,
  description: `MisyBot scalability and high-availability layer (${config.environment.stage})`,
  tags: { 'misybot:platform': config.name, 'misybot:stage': config.environment.stage },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
