import type { RegionEngineSettings } from './settings';
import type { HealthReading, MetricReading, RegionFailoverState, RegionObservation } from './types';

/** A reason the engine may refuse a switch; each check names the one that stopped it. */
export type RegionGuard =
  | 'global-state'
  | 'replication-lag'
  | 'rpo-lag'
  | 'active-health'
  | 'standby-health'
  | 'standby-fleet'
  | 'standby-database'
  | 'certificate'
  | 'secrets'
  | 'hold-down'
  | 'spacing'
  | 'budget';

/** One guard's verdict, with what it saw. */
export interface RegionGuardCheck {
  readonly guard: RegionGuard;
  readonly passed: boolean;
  readonly detail: string;
}

/** Readings this far ahead of the engine's clock are not trusted either (clock skew, bad data). */
const MAX_FUTURE_MS = 60_000;
const DAY_MS = 24 * 3600 * 1000;

/** Why a reading cannot be used, or undefined when it is fresh and complete. */
export function staleness(
  reading: MetricReading | HealthReading | undefined,
  now: number,
  maxAgeSeconds: number,
): string | undefined {
  if (!reading) return 'unknown (no reading)';
  if ('complete' in reading && !reading.complete) return 'partial data';
  if (reading.at > now + MAX_FUTURE_MS)
    return `dated ${Math.round((reading.at - now) / 1000)} s in the future`;
  const age = (now - reading.at) / 1000;
  if (age > maxAgeSeconds) return `stale (${Math.round(age)} s old, limit ${maxAgeSeconds} s)`;
  return undefined;
}

const check = (guard: RegionGuard, passed: boolean, detail: string): RegionGuardCheck => ({
  guard,
  passed,
  detail,
});

function metricGuard(
  guard: RegionGuard,
  reading: MetricReading | undefined,
  limit: number,
  unit: string,
  settings: RegionEngineSettings,
  now: number,
): RegionGuardCheck {
  const problem = staleness(reading, now, settings.maxReadingAgeSeconds);
  if (problem || !reading) return check(guard, false, `${problem}: unknown lag fails closed`);
  return check(
    guard,
    reading.value <= limit,
    `${reading.value} ${unit} (limit ${limit} ${unit}, read ${Math.round((now - reading.at) / 1000)} s ago)`,
  );
}

/** The lag guards: AuroraGlobalDBReplicationLag and AuroraGlobalDBRPOLag, fresh and complete only. */
export function lagChecks(
  obs: RegionObservation,
  settings: RegionEngineSettings,
  now: number,
): RegionGuardCheck[] {
  return [
    metricGuard('replication-lag', obs.replicationLagMs, settings.maxReplicationLagMs, 'ms', settings, now),
    metricGuard('rpo-lag', obs.rpoLagSeconds, settings.maxRpoLagSeconds, 's', settings, now),
  ];
}

/** The global database and datastore are idle and agree on which region writes. */
export function globalStateCheck(obs: RegionObservation, active: string): RegionGuardCheck {
  const global = obs.global;
  if (!global)
    return check('global-state', false, 'the global database and datastore could not be described');
  const busy = [global.databaseStatus, global.cacheStatus].filter((status) => status !== 'available');
  if (busy.length > 0) {
    return check(
      'global-state',
      false,
      `a change is in flight (database ${global.databaseStatus}, cache ${global.cacheStatus})`,
    );
  }
  return check(
    'global-state',
    global.databaseWriterRegion === active,
    `database writer in ${global.databaseWriterRegion}, cache primary in ${global.cachePrimaryRegion}`,
  );
}

/** Whether `region`'s ALB is healthy by a fresh Route 53 reading. */
export function healthCheck(
  guard: 'active-health' | 'standby-health',
  obs: RegionObservation,
  region: string,
  settings: RegionEngineSettings,
  now: number,
): RegionGuardCheck {
  const reading = obs.health[region];
  const problem = staleness(reading, now, settings.maxReadingAgeSeconds);
  if (problem || !reading) return check(guard, false, `${region}: health ${problem}`);
  return check(guard, reading.healthy, `${region}: ALB ${reading.healthy ? 'healthy' : 'unhealthy'}`);
}

/** The standby's fleet, database, certificate and secrets: what it needs to take traffic. */
export function readinessChecks(
  obs: RegionObservation,
  settings: RegionEngineSettings,
  now: number,
): RegionGuardCheck[] {
  const { fleet, certificate, secrets, databaseInstances } = obs.standby;
  const checks: RegionGuardCheck[] = [];
  checks.push(
    !fleet
      ? check('standby-fleet', false, 'the standby fleet could not be described')
      : check(
          'standby-fleet',
          fleet.inService >= 1 && fleet.max >= settings.activeCapacity,
          `${fleet.inService} in service, desired ${fleet.desired}, max ${fleet.max} (needs ≥ 1 now and room for ${settings.activeCapacity})`,
        ),
  );
  checks.push(
    databaseInstances === undefined
      ? check('standby-database', false, 'the secondary cluster could not be described')
      : check(
          'standby-database',
          databaseInstances > 0 || settings.headlessStandby,
          databaseInstances > 0
            ? `${databaseInstances} instance(s) available`
            : settings.headlessStandby
              ? 'headless by configuration: the plan adds an instance first'
              : 'no available instance in a cluster configured with readers',
        ),
  );
  if (!certificate) {
    checks.push(check('certificate', false, 'the standby certificate could not be described'));
  } else {
    const daysLeft = (certificate.notAfter - now) / DAY_MS;
    checks.push(
      check(
        'certificate',
        certificate.status === 'ISSUED' && daysLeft >= settings.certificateMinDaysValid,
        `${certificate.status}, ${Math.floor(daysLeft)} day(s) left (needs ≥ ${settings.certificateMinDaysValid})`,
      ),
    );
  }
  if (!secrets) {
    checks.push(check('secrets', false, 'the replicated secrets could not be described'));
  } else {
    const behind = secrets.filter((secret) => !secret.inSync).map((secret) => secret.name);
    checks.push(
      check(
        'secrets',
        secrets.length > 0 && behind.length === 0,
        behind.length > 0 ? `not in sync: ${behind.join(', ')}` : `${secrets.length} replica(s) in sync`,
      ),
    );
  }
  return checks;
}

/** Hold-down, spacing and the automatic budget: what keeps a flapping region from bouncing. */
export function automationChecks(
  state: RegionFailoverState,
  settings: RegionEngineSettings,
  now: number,
): RegionGuardCheck[] {
  const since = state.activeUnhealthySince;
  const heldMs = since === undefined ? 0 : now - since;
  const last = state.history.at(-1);
  const recentAutomatic = state.history.filter(
    (entry) => entry.automatic && now - entry.at < settings.budgetWindowMs,
  ).length;
  return [
    check(
      'hold-down',
      since !== undefined && heldMs >= settings.holdDownSeconds * 1000,
      since === undefined
        ? 'the active region is not continuously unhealthy'
        : `unhealthy for ${Math.round(heldMs / 1000)} s (hold-down ${settings.holdDownSeconds} s)`,
    ),
    check(
      'spacing',
      !last || now - last.at >= settings.minSecondsBetweenSwitches * 1000,
      last
        ? `last switch ${Math.round((now - last.at) / 1000)} s ago (minimum ${settings.minSecondsBetweenSwitches} s)`
        : 'no switch yet',
    ),
    check(
      'budget',
      settings.automatic && recentAutomatic < settings.automaticFailoversPer24Hours,
      settings.automatic
        ? `${recentAutomatic} automatic failover(s) in 24 h (budget ${settings.automaticFailoversPer24Hours})`
        : 'automatic region failover is off (regions.failover.automatic)',
    ),
  ];
}
