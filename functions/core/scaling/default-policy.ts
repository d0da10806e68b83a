import type { PolicySetInput } from './policy-schema';

/**
 * The platform's default scaling policy, used when no override is stored and by
 * `misybot-ha scaling simulate` without `--policy`. `bench/policies/default.json` holds the same
 * policy (a test keeps them equal); `bench/scaling.ts` reports how it compares on every trace
 * family in `bench/traces`.
 *
 * - CPU at 60 %, read a minute ahead of its own delay through the load balancer's request counts
 *   (`leading`), so a burst shows one minute after it starts instead of three, and a burst's first
 *   datapoint is taken one more period ahead. Asymmetric band: act above 63 %, scale in below 45 %.
 * - Memory at 70 % (CloudWatch agent `mem_used_percent`): it can add capacity and, like every
 *   policy, must agree before any scale-in.
 * - Scale-out: up to 4× (or 4 instances) per minute, 2 minutes between scale-outs, and only steps
 *   of at least 15 % of the fleet; on a steady ramp (the request count rising 1–6 % a minute over
   the last 15 minutes, no minute jumping 10 %) a step goes 20 % past the ask (`headroom`), so
   a ramp is followed in fewer, larger steps.
 * - Scale-in: a large drop (to half the capacity or less: a burst's end, a ramp falling back)
 *   after 2 minutes, anything else after 10; only steps of at least 25 %; 3 minutes after any
 *   activity. A drop below 60 % of the usual capacity of the last two hours is held for 45
 *   minutes: that is how an upstream outage looks, and its end brings the retries at once.
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
        { type: 'percent', value: 300, periodSeconds: 60 },
        { type: 'instances', value: 4, periodSeconds: 60 },
      ],
      minStepPercent: 15,
      headroom: {
        percent: 20,
        load: 'requestCount',
        windowSeconds: 900,
        minRisePercentPerMinute: 1,
        maxRisePercentPerMinute: 6,
        maxJumpPercent: 10,
      },
    },
    scaleIn: {
      cooldownSeconds: 180,
      stabilizationWindowSeconds: 600,
      selectPolicy: 'max',
      policies: [{ type: 'percent', value: 100, periodSeconds: 300 }],
      minStepPercent: 25,
      largeDrop: { percent: 50, stabilizationWindowSeconds: 120 },
      baselineHold: { windowSeconds: 7200, holdSeconds: 2700, quantile: 0.1, keepPercent: 60 },
    },
  },
  targetTracking: [
    {
      name: 'cpu',
      metric: 'cpu',
      target: 60,
      toleranceOut: 0.05,
      toleranceIn: 0.25,
      leading: {
        load: 'requestCount',
        loadPerTarget: 'requestsPerTarget',
        extrapolate: true,
        burstRise: 0.35,
        calibrationSeconds: 1800,
      },
    },
    { name: 'memory', metric: 'memory', target: 70, toleranceOut: 0.05, toleranceIn: 0.1 },
  ],
} as const satisfies PolicySetInput;
