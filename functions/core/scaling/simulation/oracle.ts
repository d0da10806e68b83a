import type { Controller, FleetView } from './fleet';

/**
 * A controller that knows the future: each minute it sets the capacity to
 * ceil(peak demand over the next boot time plus one interval / (capacity × target)), so
 * instances it launches are in service before the demand they are for arrives. A lower bound on
 * instance-hours at the target, not on scaling actions.
 */
export class OracleController implements Controller {
  readonly name = 'oracle';
  readonly intervalSeconds = 60;

  constructor(
    private readonly demandAt: (time: number) => number,
    private readonly capacityPerInstance: number,
    private readonly targetCpu: number,
    private readonly bootSeconds: number,
    private readonly sampleSeconds: number,
  ) {}

  control(view: FleetView): number {
    const horizon = view.now + (this.bootSeconds + this.intervalSeconds) * 1000;
    let peak = 0;
    for (let t = view.now; t <= horizon; t += this.sampleSeconds * 1000)
      peak = Math.max(peak, this.demandAt(t));
    peak = Math.max(peak, this.demandAt(horizon));
    return Math.ceil(peak / (this.capacityPerInstance * (this.targetCpu / 100)) - 1e-9);
  }
}
