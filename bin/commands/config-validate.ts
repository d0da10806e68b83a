import { loadPlatformConfig } from '../../functions/shared/config/load-file';
import { InputError } from '../../functions/shared/errors';
import type { Command } from './command';
import { configValidateSpec } from './specs';

/** `misybot-ha config validate FILE`: the same validation `cdk synth -c config=FILE` applies. */
export const configValidateCommand: Command = {
  ...configValidateSpec,
  async run({ values, positionals }, io) {
    const [file, ...extra] = positionals;
    if (file === undefined)
      throw new InputError('config validate: FILE is required (a JSON configuration file)');
    if (extra.length > 0)
      throw new InputError(`config validate: expected one FILE, got ${positionals.length}`);
    const config = loadPlatformConfig(file);
    if (values.json) {
      io.stdout(`${JSON.stringify({ valid: true, config }, null, 2)}\n`);
      return 0;
    }
    const { fleet, loadBalancing, cache, database, failover, alerting, domain } = config;
    const subscriptions = alerting.critical.length + alerting.warning.length + alerting.info.length;
    io.stdout(
      [
        `${file}: valid`,
        `  platform      ${config.name} (${config.environment.stage}${config.environment.region ? `, ${config.environment.region}` : ''})`,
        `  entry point   ${domain ? `https://${domain.recordName}.${domain.zoneName}` : 'ALB DNS name over HTTP (no domain)'}`,
        `  fleet         ${fleet.instanceType} × ${fleet.minCapacity}–${fleet.maxCapacity}`,
        `  balancing     ${loadBalancing.algorithm}, ${loadBalancing.targetGroups.map((g) => `${g.name}:${g.weight}`).join(' ')}`,
        `  cache         ${cache.nodeType}, 1 primary + ${cache.replicas} replica(s), ${cache.evictionPolicy}`,
        `  database      Aurora PostgreSQL ${database.engineVersion}, writer + ${database.readers} reader(s) of ${database.instanceClass}`,
        `  failover      ${failover.secondary ? `to ${failover.secondary.description}, checks every ${failover.healthCheckIntervalSeconds}s` : 'none (no secondary)'}`,
        `  alerting      ${subscriptions} subscription(s)`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
