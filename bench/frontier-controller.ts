import type { Controller, FleetView } from '../functions/core/scaling/simulation/fleet';

/** The knobs of {@link DelayedDemandController}. */
export interface DelayedDemandSettings {
  /** Capacity held above the estimated demand at the CPU target, in percent. */
  readonly headroomPercent: number;
  /** How long a higher need is remembered before capacity leaves (0: scale in at once). */
  readonly scaleInDelaySeconds: number;
  /** Take a count that rose by more than 35 % one more minute ahead (at most ×2), as the engine does. */
  readonly extrapolate: boolean;
  /** The smallest change worth an action, in percent of the capacity (0: every change acts). */
  readonly minStepPercent: number;
}

/**
 * The best-informed causal controller the simulator allows, for the Pareto sweep: it reads the
 * load balancer's `RequestCount` with its real delay (the fastest signal the fleet publishes),
 * knows exactly what one instance serves (no CPU calibration error), and acts every minute
 * without cooldowns or rate limits. What it cannot know is the load after its newest datapoint:
 * that, and the boot time, are what no controller reacting to published metrics escapes.
 */
export class DelayedDemandController implements Controller {
  readonly name = 'delayed-demand';
  readonly intervalSeconds = 60;
  private readonly needs: Array<{ time: number; need: number }> = [];

  constructor(
    private readonly settings: DelayedDemandSettings,
    private readonly capacityPerInstance: number,
    private readonly targetCpu: number,
    private readonly periodSeconds: number,
  ) {}

  control(view: FleetView): number {
    const periods = view.requestPeriods;
    const latest = periods.at(-1);
    if (latest === undefined) return view.desired;
    let demand = latest.requests / this.periodSeconds;
    const previous = periods.at(-2);
    if (this.settings.extrapolate && previous !== undefined && previous.requests > 0) {
      const rise = latest.requests / previous.requests;
      if (rise > 1.35) demand *= Math.min(rise, 2);
    }
    const perInstance = this.capacityPerInstance * (this.targetCpu / 100);
    const need = Math.ceil((demand * (1 + this.settings.headroomPercent / 100)) / perInstance - 1e-9);
    this.needs.push({ time: view.now, need });
    const since = view.now - this.settings.scaleInDelaySeconds * 1000;
    while (this.needs.length > 0 && this.needs[0]!.time < since) this.needs.shift();
    const held = Math.max(...this.needs.map((n) => n.need));
    const current = view.desired;
    const wanted = Math.min(view.maxCapacity, Math.max(view.minCapacity, held));
    if (wanted === current) return current;
    const step = (Math.abs(wanted - current) / current) * 100;
    return step < this.settings.minStepPercent ? current : wanted;
  }
}
