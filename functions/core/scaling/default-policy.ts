import type { PolicySetInput } from './policy-schema';

/**
 * The platform's default scaling policy, used when no override is stored and by
 * `misybot-ha scaling simulate` without `--policy`. `bench/policies/default.json` holds the same
 * policy (a test keeps them equal); `bench/scaling.ts` reports how it compares.
 *
 * - CPU at 60 % with an asymmetric band: act above 66 %, scale in below 45 %. The wide scale-in
 *   side means a scale-in removes roughly a quarter of the fleet or more, so a fading peak is
 *   given back in a few large steps rather than one instance at a time, and noise around the
 *   target does not flap the group. It costs a few percent of instance-hours against a 51 %
 *   edge; `bench/scaling.ts` shows the trade.
 * - Memory at 70 % (CloudWatch agent `mem_used_percent`): it can add capacity and, like every
 *   policy, must agree before any scale-in.
 * - An emergency step at 75 % CPU doubles the in-service capacity at once, so a flash crowd does not wait
 *   for several proportional steps.
 * - Scale-out: 2 minutes between scale-outs, at most max(100 %, 4 instances) per minute.
 *   Scale-in: only after the need has stayed low for 10 minutes, 5 minutes after any activity.
 */
export const defaultPolicyInput = {
  minCapacity: 2,
  maxCapacity: 40,
  warmupSeconds: 240,
  metrics: { windowSeconds: 300, minCoverage: 0.5 },
  behaviour: {
    scaleOut: {
      cooldownSeconds: 120,
      stabilizationWindowSeconds: 0,
      selectPolicy: 'max',
      policies: [
        { type: 'percent', value: 100, periodSeconds: 60 },
        { type: 'instances', value: 4, periodSeconds: 60 },
      ],
    },
    scaleIn: {
      cooldownSeconds: 300,
      stabilizationWindowSeconds: 600,
      selectPolicy: 'max',
      policies: [{ type: 'percent', value: 100, periodSeconds: 300 }],
    },
  },
  targetTracking: [
    { name: 'cpu', metric: 'cpu', target: 60, toleranceOut: 0.1, toleranceIn: 0.25 },
    { name: 'memory', metric: 'memory', target: 70, toleranceOut: 0.05, toleranceIn: 0.1 },
  ],
  step: [
    {
      name: 'cpu-emergency',
      metric: 'cpu',
      adjustmentType: 'percent',
      minAdjustmentMagnitude: 2,
      steps: [{ lowerBound: 75, adjustment: 100 }],
    },
  ],
} as const satisfies PolicySetInput;
