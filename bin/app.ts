import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadPlatformConfig } from '../functions/shared/config/load-file';
import { ConfigError } from '../functions/shared/errors';
import { addPlatformStacks } from '../lib/regional/platform-app';

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

addPlatformStacks(app, config);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
