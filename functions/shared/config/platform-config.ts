import type * as z from 'zod';
import { ConfigError } from '../errors';
import { formatConfigIssues } from './issues';
import { type FleetSettings, type NetworkSettings, platformConfigObject, type WafSettings } from './schema';

type Input = z.input<typeof platformConfigObject>;

/**
 * The whole platform's configuration with its cross-field rules. Each rule names both fields
 * and the value it got, so the message can be acted on without reading the schema.
 */
const platformConfigRules = platformConfigObject.superRefine((config, ctx) => {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const { fleet, loadBalancing: lb, failover, domain, alarms } = config;

  if (fleet.maxCapacity < fleet.minCapacity) {
    issue(
      ['fleet', 'maxCapacity'],
      `must be ≥ fleet.minCapacity (${fleet.minCapacity}), got ${fleet.maxCapacity}`,
    );
  }
  if (
    fleet.desiredCapacity !== undefined &&
    (fleet.desiredCapacity < fleet.minCapacity || fleet.desiredCapacity > fleet.maxCapacity)
  ) {
    issue(
      ['fleet', 'desiredCapacity'],
      `must be between fleet.minCapacity (${fleet.minCapacity}) and fleet.maxCapacity (${fleet.maxCapacity}), got ${fleet.desiredCapacity}`,
    );
  }
  if (lb.healthCheck.timeoutSeconds >= lb.healthCheck.intervalSeconds) {
    issue(
      ['loadBalancing', 'healthCheck', 'timeoutSeconds'],
      `must be < loadBalancing.healthCheck.intervalSeconds (${lb.healthCheck.intervalSeconds}), got ${lb.healthCheck.timeoutSeconds}`,
    );
  }
  if (lb.anomalyMitigation && lb.algorithm !== 'weighted_random') {
    issue(
      ['loadBalancing', 'anomalyMitigation'],
      `needs loadBalancing.algorithm "weighted_random", got "${lb.algorithm}"`,
    );
  }
  if (lb.slowStartSeconds > 0 && lb.algorithm !== 'round_robin') {
    issue(
      ['loadBalancing', 'slowStartSeconds'],
      `must be 0 with loadBalancing.algorithm "${lb.algorithm}" (ALB supports slow start only with round_robin), got ${lb.slowStartSeconds}`,
    );
  }
  const names = new Set<string>();
  lb.targetGroups.forEach((group, index) => {
    if (names.has(group.name)) {
      issue(['loadBalancing', 'targetGroups', index, 'name'], `must be unique, got "${group.name}" twice`);
    }
    names.add(group.name);
  });
  if (lb.targetGroups.every((group) => group.weight === 0)) {
    issue(['loadBalancing', 'targetGroups'], 'must give at least one target group a weight > 0, got all 0');
  }
  if (failover.secondary && !domain) {
    issue(
      ['failover', 'secondary'],
      'needs domain (the hosted zone the failover records go in), got no domain',
    );
  }
  if (config.environment.stage === 'prod' && !config.database.deletionProtection) {
    issue(['database', 'deletionProtection'], 'must be true when environment.stage is "prod", got false');
  }
  const zones = config.network.availabilityZones;
  if (zones && new Set(zones).size !== zones.length) {
    issue(['network', 'availabilityZones'], `must not repeat a zone, got ${JSON.stringify(zones)}`);
  }
  if (zones && !config.environment.region) {
    issue(['environment', 'region'], 'must be set when network.availabilityZones names zones, got nothing');
  }
  if (
    zones &&
    config.environment.region &&
    zones.some((zone) => !zone.startsWith(config.environment.region!))
  ) {
    issue(
      ['network', 'availabilityZones'],
      `must be zones of environment.region (${config.environment.region}), got ${JSON.stringify(zones)}`,
    );
  }
  for (const [key, setting] of Object.entries(alarms)) {
    if (setting.datapointsToAlarm > setting.evaluationPeriods) {
      issue(
        ['alarms', key, 'datapointsToAlarm'],
        `must be ≤ alarms.${key}.evaluationPeriods (${setting.evaluationPeriods}), got ${setting.datapointsToAlarm}`,
      );
    }
  }
  checkDeploySettings(config, issue);
  const routes = new Map<string, number>();
  config.endpoints.routes.forEach((route, index) => {
    const at = (...path: string[]) => ['endpoints', 'routes', index, ...path];
    const key = `${route.method} ${route.route}`;
    const first = routes.get(key);
    if (first !== undefined) {
      issue(at('route'), `must be unique per method, got ${key} again (first at endpoints.routes[${first}])`);
    } else {
      routes.set(key, index);
    }
    if (route.p95Ms === undefined && route.p99Ms === undefined && route.errorRatePercent === undefined) {
      issue(at(), 'must set at least one of p95Ms, p99Ms or errorRatePercent, got none');
    }
    if (route.p95Ms !== undefined && route.p99Ms !== undefined && route.p99Ms < route.p95Ms) {
      issue(
        at('p99Ms'),
        `must be ≥ endpoints.routes[${index}].p95Ms (${route.p95Ms}): the p99 is never below the p95, got ${route.p99Ms}`,
      );
    }
    if (route.datapointsToAlarm > route.evaluationPeriods) {
      issue(
        at('datapointsToAlarm'),
        `must be ≤ endpoints.routes[${index}].evaluationPeriods (${route.evaluationPeriods}), got ${route.datapointsToAlarm}`,
      );
    }
  });
});

type Parsed = z.output<typeof platformConfigObject>;
type Issue = (path: (string | number)[], message: string) => void;

/** Rules of the deploy settings: replacement, protection of `prod`, NAT and proxy limits. */
function checkDeploySettings(config: Parsed, issue: Issue): void {
  const { fleet, network, database, environment } = config;
  const prod = environment.stage === 'prod';
  const zones = network.availabilityZones?.length ?? 2;
  if (network.natGateways !== undefined && network.natGateways > zones) {
    issue(
      ['network', 'natGateways'],
      `must be at most the number of zones (${zones}${network.availabilityZones ? '' : ', the default'}), got ${network.natGateways}`,
    );
  }
  const { proxy } = database;
  if (proxy.maxIdleConnectionsPercent > proxy.maxConnectionsPercent) {
    issue(
      ['database', 'proxy', 'maxIdleConnectionsPercent'],
      `must be ≤ database.proxy.maxConnectionsPercent (${proxy.maxConnectionsPercent}), got ${proxy.maxIdleConnectionsPercent}`,
    );
  }
  if (database.appUser === database.advisorUser) {
    issue(
      ['database', 'advisorUser'],
      `must differ from database.appUser, got "${database.advisorUser}" for both`,
    );
  }
  // CloudFormation refuses a rolling update that keeps the group's maximum in service.
  const inService = minInstancesInService(fleet.minCapacity, fleet.update.minHealthyPercent);
  if (inService >= fleet.maxCapacity) {
    issue(
      ['fleet', 'update', 'minHealthyPercent'],
      `must keep fewer instances in service during an update (here ${inService} of fleet.minCapacity ${fleet.minCapacity}) than fleet.maxCapacity (${fleet.maxCapacity}) so replacements can launch, got ${fleet.update.minHealthyPercent}`,
    );
  }
  const image = fleet.app.image;
  if (image && 'amiId' in image && !environment.region) {
    issue(
      ['environment', 'region'],
      `must be set when fleet.app.image names an AMI id (ids are regional), got nothing`,
    );
  }
  if (prod) {
    if (!image || ('ssmParameter' in image && image.version === undefined)) {
      issue(
        ['fleet', 'app', 'image'],
        `must pin the image when environment.stage is "prod" (an amiId, or an ssmParameter with its version), got ${image ? 'a parameter without version' : 'nothing (the latest Amazon Linux 2023)'}`,
      );
    }
    if (!config.loadBalancing.deletionProtection) {
      issue(
        ['loadBalancing', 'deletionProtection'],
        'must be true when environment.stage is "prod", got false',
      );
    }
    if (!config.controlPlane.stateTableDeletionProtection) {
      issue(
        ['controlPlane', 'stateTableDeletionProtection'],
        'must be true when environment.stage is "prod", got false',
      );
    }
  }
}

/** Instances a rolling update keeps in service: the healthy share of the group's minimum, rounded up. */
export function minInstancesInService(minCapacity: number, minHealthyPercent: number): number {
  return Math.ceil((minCapacity * minHealthyPercent) / 100);
}

/** Defaults that depend on the stage or on another field, filled in after validation. */
function withDerivedDefaults(config: Parsed) {
  const prod = config.environment.stage === 'prod';
  const zones = config.network.availabilityZones?.length ?? 2;
  return {
    ...config,
    network: { ...config.network, natGateways: config.network.natGateways ?? (prod ? zones : 1) },
    fleet: {
      ...config.fleet,
      app: {
        ...config.fleet.app,
        healthPath: config.fleet.app.healthPath ?? config.loadBalancing.healthCheck.path,
      },
    },
    waf: { ...config.waf, enabled: config.waf.enabled ?? prod },
  } satisfies {
    network: NetworkSettings;
    fleet: FleetSettings;
    waf: WafSettings;
  };
}

/** The schema with its cross-field rules and derived defaults: what {@link parsePlatformConfig} applies. */
export const platformConfigSchema = platformConfigRules.transform(withDerivedDefaults);

export { formatConfigIssues };

/** A validated configuration with every default filled in. */
export type PlatformConfig = z.output<typeof platformConfigSchema>;
/** What a user writes: every field with a default may be left out. */
export type PlatformConfigInput = Input;

/**
 * Validates a configuration object and fills in defaults.
 * @throws {ConfigError} listing every problem, one line each.
 */
export function parsePlatformConfig(input: unknown, source = 'configuration'): PlatformConfig {
  const result = platformConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(source, formatConfigIssues(result.error.issues, input), { cause: result.error });
  }
  return result.data;
}
