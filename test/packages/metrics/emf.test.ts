import { EMF_MAX_VALUES, type EmfMetric, emfDocument } from '@misybot-ha/metrics';
import fc from 'fast-check';

const base = { namespace: 'N', dimensions: { A: 'a' }, timestamp: 0 };
const latency = (value: EmfMetric['value']) =>
  emfDocument({ ...base, metrics: [{ name: 'L', unit: 'Milliseconds', value }] });

describe('emfDocument', () => {
  it('writes numbers and arrays of numbers as the metric targets, and declares them', () => {
    const values = [3, 1.5, 3];
    const doc = emfDocument({
      ...base,
      metrics: [
        { name: 'L', unit: 'Milliseconds', value: values },
        { name: 'Requests', unit: 'Count', value: 3 },
      ],
    });
    values.push(99);
    expect(doc).toEqual({
      A: 'a',
      L: [3, 1.5, 3],
      Requests: 3,
      _aws: {
        Timestamp: 0,
        CloudWatchMetrics: [
          {
            Namespace: 'N',
            Dimensions: [['A']],
            Metrics: [
              { Name: 'L', Unit: 'Milliseconds' },
              { Name: 'Requests', Unit: 'Count' },
            ],
          },
        ],
      },
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('accepts 1 to 100 values and rejects empty or longer arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 150 }), (xs) => {
        if (xs.length >= 1 && xs.length <= EMF_MAX_VALUES) expect(latency(xs).L).toEqual(xs);
        else expect(() => latency(xs)).toThrow(`metric L has ${xs.length} values, EMF allows 1 to 100`);
      }),
    );
  });

  it('rejects values JSON cannot carry as numbers', () => {
    expect(() => latency(Number.NaN)).toThrow('metric L is NaN, not a finite number');
    expect(() => latency(Number.POSITIVE_INFINITY)).toThrow(/not a finite number/);
    expect(() => latency([1, 2, Number.NaN])).toThrow('metric L[2] is NaN, not a finite number');
    expect(() => latency([1, '2' as unknown as number])).toThrow('metric L[1] is 2, not a finite number');
  });

  it('enforces the other limits of the format', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `m${i}`, unit: 'Count' as const, value: 1 }));
    expect(() => emfDocument({ ...base, metrics: many })).toThrow(/101 metrics/);
    expect(() => emfDocument({ ...base, metrics: [{ name: 'A', unit: 'Count', value: 1 }] })).toThrow(
      /collides/,
    );
    expect(() => emfDocument({ ...base, metrics: [], dimensionSets: [['B']] })).toThrow(/no value/);
    const dimensions = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`D${i}`, 'x']));
    expect(() => emfDocument({ ...base, dimensions, metrics: [] })).toThrow(/31 dimensions/);
  });
});
