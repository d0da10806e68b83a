import { defaultPolicyInput } from '../../../../../functions/core/scaling/default-policy';
import { parsePolicySet } from '../../../../../functions/core/scaling/policy-schema';
import { renderChart } from '../../../../../functions/core/scaling/simulation/chart';
import { EngineController } from '../../../../../functions/core/scaling/simulation/engine-controller';
import {
  prepareSimulation,
  runController,
  simulate,
} from '../../../../../functions/core/scaling/simulation/simulate';
import { parseTrace } from '../../../../../functions/core/scaling/simulation/trace';

const rows = ['# minCapacity = 2', '# maxCapacity = 30', 'time,load'];
for (let minute = 0; minute <= 240; minute++) {
  const load = minute >= 60 && minute < 150 ? 1500 : 300;
  rows.push(`${minute * 60},${load}`);
}
const trace = parseTrace(rows.join('\n'));
const policy = parsePolicySet({
  targetTracking: [
    { name: 'cpu', metric: 'cpu', target: 60 },
    { name: 'memory', metric: 'memory', target: 70 },
  ],
});

describe('simulate', () => {
  const result = simulate(trace, policy);

  it('runs the four models in order with their figures', () => {
    expect(result.results.map((r) => r.name)).toEqual(['misybot-ha', 'target-tracking', 'hpa', 'oracle']);
    for (const r of result.results) {
      expect(r.instanceHours).toBeGreaterThan(0);
      expect(r.series.minute).toHaveLength(240);
    }
  });

  it('is deterministic', () => {
    expect(simulate(trace, policy)).toEqual(result);
  });

  it('drops policies on metrics the trace cannot produce, with a note', () => {
    expect(result.notes).toContain('policy "memory" skipped: the trace produces no "memory" metric');
  });

  it('keeps every model within the group bounds', () => {
    for (const r of result.results) {
      expect(Math.min(...r.series.desired)).toBeGreaterThanOrEqual(2);
      expect(Math.max(...r.series.desired)).toBeLessThanOrEqual(30);
    }
  });

  it('lets the oracle, which sees the step coming, avoid any SLO breach while the others breach at the step', () => {
    const byName = Object.fromEntries(result.results.map((r) => [r.name, r]));
    expect(byName.oracle!.sloBreachMinutes).toBe(0);
    expect(byName['target-tracking']!.sloBreachMinutes).toBeGreaterThan(0);
  });

  it('runs every model on the fleet it is given: a warm pool shortens the step for target tracking too', () => {
    const warm = simulate(trace, policy, { warmPoolSize: 20 });
    expect(warm.settings.warmPoolSize).toBe(20);
    expect(result.settings.warmPoolSize).toBe(0);
    const breach = (r: typeof result) =>
      r.results.find((m) => m.name === 'target-tracking')!.sloBreachMinutes;
    expect(breach(warm)).toBeLessThan(breach(result));
  });

  it('counts a reversal for each change of direction', () => {
    const tt = result.results.find((r) => r.name === 'target-tracking')!;
    expect(tt.scalingActions).toBeGreaterThanOrEqual(2);
    expect(tt.reversals).toBeGreaterThanOrEqual(1);
  });
});

describe('ASCII chart', () => {
  it('draws each line with its symbol, scaled to the largest value', () => {
    const chart = renderChart(
      [
        { label: 'demand', symbol: '.', values: [0, 5, 10] },
        { label: 'capacity', symbol: '#', values: [10, 10, 10] },
      ],
      { width: 3, height: 3 },
    );
    const lines = chart.split('\n');
    expect(lines[0]).toBe('      10 |###');
    expect(lines[1]).toBe('         | . ');
    expect(lines[2]).toBe('       0 |.  ');
    expect(chart).toContain('. demand   # capacity');
  });
});

describe('the engine in the fleet model', () => {
  const first = (series: readonly number[], predicate: (value: number) => boolean) =>
    series.findIndex(predicate);
  const traceOf = (load: (minute: number) => number, minutes: number) => {
    const lines = ['# minCapacity = 2', '# maxCapacity = 40', 'time,load'];
    for (let minute = 0; minute <= minutes; minute++) lines.push(`${minute * 60},${load(minute)}`);
    return parseTrace(lines.join('\n'));
  };
  const cpuOnly = (leading: boolean) =>
    parsePolicySet({
      behaviour: { scaleOut: { cooldownSeconds: 60, policies: [] } },
      targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60, ...(leading ? { leading: {} } : {}) }],
    });
  const run = (policy: ReturnType<typeof parsePolicySet>, trace: ReturnType<typeof parseTrace>) => {
    const { settings, policy: simulated } = prepareSimulation(trace, policy);
    return runController(new EngineController(simulated), trace, settings);
  };

  it('sees a step of load a minute sooner through the request counts than through CPU', () => {
    const step = traceOf((minute) => (minute >= 60 ? 900 : 300), 120);
    const withLead = first(run(cpuOnly(true), step).series.desired, (d) => d > 5);
    const cpu = first(run(cpuOnly(false), step).series.desired, (d) => d > 5);
    expect(withLead).toBeGreaterThan(60);
    expect(cpu - withLead).toBe(1);
  });

  it('keeps 60 % of the usual fleet through an outage, where without the hold it shrinks to the minimum', () => {
    const outage = traceOf(
      (minute) => (minute >= 150 && minute < 180 ? 60 : minute >= 180 && minute < 190 ? 1200 : 600),
      240,
    );
    const held = run(parsePolicySet(defaultPolicyInput), outage).series.desired;
    expect(Math.min(...held.slice(150, 180))).toBe(6);
    expect(Math.max(...held.slice(180, 188))).toBeGreaterThanOrEqual(20);
    const { baselineHold: _hold, ...scaleIn } = defaultPolicyInput.behaviour.scaleIn;
    const without = parsePolicySet({
      ...defaultPolicyInput,
      behaviour: { ...defaultPolicyInput.behaviour, scaleIn },
    });
    expect(Math.min(...run(without, outage).series.desired.slice(150, 180))).toBe(2);
  });
});
