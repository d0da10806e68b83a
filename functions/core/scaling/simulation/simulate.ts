import type { PolicySet } from '../policy-schema';
import { EngineController, SIMULATED_METRICS } from './engine-controller';
import { type Controller, Fleet, type FleetSettings } from './fleet';
import { HpaBaseline } from './hpa-baseline';
import { OracleController } from './oracle';
import { TargetTrackingBaseline } from './target-tracking-baseline';
import { type Trace, valueAt } from './trace';

/** Simulation step: the HPA's sync period, the finest any controller runs at. */
export const STEP_SECONDS = 15;
/** Minutes replayed at the first row's load before the trace starts, so metrics exist at its start. */
export const LEAD_IN_SECONDS = 1800;

/** The fleet and the SLO a simulation ran with. */
export interface SimulationSettings extends FleetSettings {
  /** CPU % above which a minute counts as an SLO breach. @default 80 */
  readonly sloUtilisation: number;
  /** The CPU target the baselines and the oracle hold: the policy's CPU target-tracking target. */
  readonly targetCpu: number;
  readonly initialCapacity: number;
}

/** Capacity against demand, one sample per minute, for charts. */
export interface Series {
  /** Minutes since the trace's start. */
  readonly minute: readonly number[];
  readonly demand: readonly number[];
  /** Load the in-service instances can serve at 100 % CPU. */
  readonly capacity: readonly number[];
  readonly desired: readonly number[];
}

/** One model's result on a trace. */
export interface ModelResult {
  readonly name: string;
  readonly instanceHours: number;
  /** Minutes where CPU was above the SLO utilisation or demand exceeded capacity. */
  readonly sloBreachMinutes: number;
  /** Changes of the desired capacity. */
  readonly scalingActions: number;
  /** Scaling actions in the opposite direction of the previous one. */
  readonly reversals: number;
  readonly series: Series;
}

export interface SimulationResult {
  readonly settings: SimulationSettings;
  /** In order: misybot-ha, target-tracking, hpa, oracle. */
  readonly results: readonly ModelResult[];
  /** What the simulation had to adapt, e.g. policies on metrics the trace cannot produce. */
  readonly notes: readonly string[];
}

/** Fleet model defaults: a t4g.small fleet, CloudWatch detailed monitoring, 3 minutes to boot. */
export const DEFAULT_FLEET = {
  capacityPerInstance: 100,
  bootSeconds: 180,
  metricPeriodSeconds: 60,
  metricDelaySeconds: 120,
  requestsDelaySeconds: 60,
  warmPoolSize: 0,
  warmStartSeconds: 90,
  memoryPerInstanceGiB: 2,
  sloUtilisation: 80,
} as const;

/**
 * Replays a trace through the fleet model four times: driven by the engine with `policy`, by
 * the EC2 target-tracking and HPA baselines at the policy's CPU target, and by the oracle.
 * Deterministic: the same trace and policy give the same figures.
 *
 * @param fleet - Fleet settings that replace the trace's for every model alike (a warm pool, say).
 * @default fleet {} (the trace's own settings)
 */
export function simulate(
  trace: Trace,
  policy: PolicySet,
  fleet: Partial<FleetSettings> = {},
): SimulationResult {
  const prepared = prepareSimulation(trace, policy);
  const { policy: simulatedPolicy, notes } = prepared;
  const settings = { ...prepared.settings, ...fleet };
  const demandAt = (time: number) => valueAt(trace.points, (time - trace.start) / 1000);
  const controllers: Controller[] = [
    new EngineController(simulatedPolicy),
    new TargetTrackingBaseline(settings.targetCpu),
    new HpaBaseline(settings.targetCpu),
    new OracleController(
      demandAt,
      settings.capacityPerInstance,
      settings.targetCpu,
      settings.bootSeconds,
      STEP_SECONDS,
    ),
  ];
  return { settings, results: controllers.map((c) => runController(c, trace, settings)), notes };
}

/**
 * The fleet settings for a trace and a policy, and the policy as the simulator can run it:
 * policies on metrics the trace cannot produce (memory without a memory column, custom metrics)
 * are dropped with a note, and dry-run is ignored (a backtest is a dry run already).
 */
export function prepareSimulation(
  trace: Trace,
  policy: PolicySet,
): { settings: SimulationSettings; policy: PolicySet; notes: string[] } {
  const notes: string[] = [];
  const p = trace.parameters;
  const minCapacity = Math.max(p.minCapacity ?? policy.minCapacity ?? 2, policy.minCapacity ?? 0);
  const maxCapacity = Math.max(
    minCapacity,
    Math.min(p.maxCapacity ?? policy.maxCapacity ?? 10, policy.maxCapacity ?? Infinity),
  );
  const cpuPolicy = policy.targetTracking.find((t) => t.metric === 'cpu');
  if (cpuPolicy === undefined)
    notes.push('the policy tracks no "cpu" target; the baselines and the oracle hold 60 % CPU');
  const targetCpu = cpuPolicy?.target ?? 60;
  const capacityPerInstance = p.capacityPerInstance ?? DEFAULT_FLEET.capacityPerInstance;
  const first = trace.points[0]!;
  const initialCapacity = Math.min(
    maxCapacity,
    Math.max(
      minCapacity,
      p.initialCapacity ?? Math.ceil(first.load / (capacityPerInstance * (targetCpu / 100))),
    ),
  );
  const settings: SimulationSettings = {
    capacityPerInstance,
    bootSeconds: p.bootSeconds ?? DEFAULT_FLEET.bootSeconds,
    metricPeriodSeconds: Math.max(STEP_SECONDS, p.metricPeriodSeconds ?? DEFAULT_FLEET.metricPeriodSeconds),
    metricDelaySeconds: p.metricDelaySeconds ?? DEFAULT_FLEET.metricDelaySeconds,
    requestsDelaySeconds: p.requestsDelaySeconds ?? DEFAULT_FLEET.requestsDelaySeconds,
    warmPoolSize: Math.round(p.warmPoolSize ?? DEFAULT_FLEET.warmPoolSize),
    warmStartSeconds: p.warmStartSeconds ?? DEFAULT_FLEET.warmStartSeconds,
    memoryPerInstanceGiB: p.memoryPerInstanceGiB ?? DEFAULT_FLEET.memoryPerInstanceGiB,
    sloUtilisation: p.sloUtilisation ?? DEFAULT_FLEET.sloUtilisation,
    minCapacity,
    maxCapacity,
    targetCpu,
    initialCapacity,
  };
  const available = new Set<string>(SIMULATED_METRICS.filter((m) => m !== 'memory' || trace.hasMemory));
  const usable = <T extends { name: string; metric: string }>(list: readonly T[]) =>
    list.filter((entry) => {
      if (available.has(entry.metric)) return true;
      notes.push(`policy "${entry.name}" skipped: the trace produces no "${entry.metric}" metric`);
      return false;
    });
  return {
    settings,
    policy: {
      ...policy,
      dryRun: false,
      targetTracking: usable(policy.targetTracking),
      step: usable(policy.step),
    },
    notes,
  };
}

/**
 * Replays the trace through a fresh fleet driven by one controller. The fleet runs a lead-in
 * at the first row's load so the controller has metrics when the trace starts; only the trace
 * itself is measured.
 */
export function runController(
  controller: Controller,
  trace: Trace,
  settings: SimulationSettings,
): ModelResult {
  const demandAt = (time: number) => valueAt(trace.points, (time - trace.start) / 1000);
  const start = trace.start;
  const end = start + trace.points[trace.points.length - 1]!.offsetSeconds * 1000;
  const leadStart = start - LEAD_IN_SECONDS * 1000;
  const fleet = new Fleet(settings, settings.initialCapacity, leadStart);
  const lookback = Math.max(3600, settings.metricDelaySeconds + 30 * settings.metricPeriodSeconds);
  const stepMs = STEP_SECONDS * 1000;
  let instanceSeconds = 0;
  let breachSeconds = 0;
  let actions = 0;
  let reversals = 0;
  let lastDirection = 0;
  const series = {
    minute: [] as number[],
    demand: [] as number[],
    capacity: [] as number[],
    desired: [] as number[],
  };

  for (let now = leadStart; now < end; now += stepMs) {
    const elapsed = (now - leadStart) / 1000;
    if (elapsed % controller.intervalSeconds === 0) {
      const before = fleet.desired;
      if (fleet.setDesired(controller.control(fleet.view(now, lookback)), now) && now >= start) {
        const direction = Math.sign(fleet.desired - before);
        actions += 1;
        if (lastDirection !== 0 && direction !== lastDirection) reversals += 1;
        lastDirection = direction;
      }
    }
    const load = demandAt(now);
    const memory = trace.hasMemory ? valueAt(trace.points, (now - start) / 1000, 'memory') : undefined;
    if (now >= start) {
      instanceSeconds += fleet.instances.length * STEP_SECONDS;
      if (fleet.utilisation(load, now) * 100 > settings.sloUtilisation) breachSeconds += STEP_SECONDS;
      if ((now - start) % 60_000 === 0) {
        series.minute.push((now - start) / 60_000);
        series.demand.push(load);
        series.capacity.push(fleet.inService(now).length * settings.capacityPerInstance);
        series.desired.push(fleet.desired);
      }
    }
    fleet.record(load, memory, now, STEP_SECONDS);
  }
  return {
    name: controller.name,
    instanceHours: Math.round((instanceSeconds / 3600) * 100) / 100,
    sloBreachMinutes: Math.round((breachSeconds / 60) * 100) / 100,
    scalingActions: actions,
    reversals,
    series,
  };
}
