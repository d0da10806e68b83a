import { parsePolicySet } from '../../../../../functions/core/scaling/policy-schema';
import { renderChart } from '../../../../../functions/core/scaling/simulation/chart';
import { simulate } from '../../../../../functions/core/scaling/simulation/simulate';
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
