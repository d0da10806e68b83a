/**
 * Health of one endpoint, as the selector tracks it: passive (`ejected` after failures, `probing`
 * once the ejection is over) or set by the caller (`down`, by `markUnhealthy`, until `markHealthy`).
 */
export type HealthState = 'healthy' | 'ejected' | 'probing' | 'down';

/** Options of passive health checking. */
export interface HealthOptions {
  /** Consecutive failures that eject an endpoint. @default 3 */
  readonly failureThreshold?: number;
  /** First ejection period; doubles with each consecutive ejection. @default 1000 */
  readonly baseEjectionMs?: number;
  /** Longest ejection period. @default 30000 */
  readonly maxEjectionMs?: number;
}

/**
 * Passive health of one endpoint: `failureThreshold` consecutive failures eject it for a back-off
 * period (`baseEjectionMs × 2^(ejections − 1)`, capped); once the period is over, one trial request
 * may go to it (`probing`); the trial's success makes it healthy again, its failure ejects it for the
 * next, longer period. A trial not reported within `maxEjectionMs` frees the slot for another trial.
 */
export class PassiveHealth {
  private failures = 0;
  private ejections = 0;
  private ejectedUntil = 0;
  private trialStartedAt: number | undefined;
  private markedDown = false;
  private readonly threshold: number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: HealthOptions = {}) {
    this.threshold = Math.max(1, options.failureThreshold ?? 3);
    this.baseMs = Math.max(1, options.baseEjectionMs ?? 1000);
    this.maxMs = Math.max(this.baseMs, options.maxEjectionMs ?? 30_000);
  }

  /** The state at `now`. */
  state(now: number): HealthState {
    if (this.markedDown) return 'down';
    if (this.ejections === 0) return 'healthy';
    return now >= this.ejectedUntil ? 'probing' : 'ejected';
  }

  /** Out of rotation until {@link markHealthy}, whatever requests report (an active check failed). */
  markDown(): void {
    this.markedDown = true;
    this.trialStartedAt = undefined;
  }

  /** Back in rotation at once, passive history forgotten (an active check passed). */
  markHealthy(): void {
    this.markedDown = false;
    this.failures = 0;
    this.ejections = 0;
    this.ejectedUntil = 0;
    this.trialStartedAt = undefined;
  }

  /** Whether a trial request may be sent now (ejection over, no trial under way). */
  canProbe(now: number): boolean {
    if (this.state(now) !== 'probing') return false;
    return this.trialStartedAt === undefined || now - this.trialStartedAt >= this.maxMs;
  }

  /** Marks the trial request as sent. */
  startTrial(now: number): void {
    this.trialStartedAt = now;
  }

  /** Epoch ms at which the current ejection ends (0 when healthy). */
  get until(): number {
    return this.ejections === 0 ? 0 : this.ejectedUntil;
  }

  /** A request succeeded; ignored while ejected (a late reply from before the ejection). */
  onSuccess(now: number): void {
    const state = this.state(now);
    if (state === 'ejected' || state === 'down') return;
    this.failures = 0;
    this.ejections = 0;
    this.ejectedUntil = 0;
    this.trialStartedAt = undefined;
  }

  /** A request failed; ignored while ejected, re-ejects (longer) once the ejection is over. */
  onFailure(now: number): void {
    const state = this.state(now);
    if (state === 'ejected' || state === 'down') return;
    this.failures += 1;
    if (state === 'probing' || this.failures >= this.threshold) {
      this.ejections += 1;
      this.ejectedUntil = now + Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.ejections - 1, 30));
      this.trialStartedAt = undefined;
    }
  }
}
