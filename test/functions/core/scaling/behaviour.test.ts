import { scaleInLimit, scaleOutLimit, stabilise } from '../../../../functions/core/scaling/behaviour';
import { decide } from '../../../../functions/core/scaling/decide';
import { inputOf, NOW, policyOf } from './fixtures';

const behaviour = policyOf({
  behaviour: { scaleOut: { stabilizationWindowSeconds: 60 }, scaleIn: { stabilizationWindowSeconds: 300 } },
}).behaviour;
const ago = (seconds: number, recommendation: number) => ({ time: NOW - seconds * 1000, recommendation });

describe('stabilisation windows', () => {
  it('scales in only to the highest recommendation in the scale-in window', () => {
    expect(stabilise(4, 10, [ago(100, 8), ago(200, 6)], behaviour, NOW)).toBe(8);
  });

  it('forgets recommendations older than the window', () => {
    expect(stabilise(4, 10, [ago(301, 9)], behaviour, NOW)).toBe(4);
  });

  it('scales out only to the lowest recommendation in the scale-out window', () => {
    expect(stabilise(12, 10, [ago(30, 11)], behaviour, NOW)).toBe(11);
    expect(stabilise(12, 10, [ago(30, 9)], behaviour, NOW)).toBe(10);
  });

  it('never moves against the recommendation', () => {
    expect(stabilise(12, 10, [ago(30, 3), ago(100, 30)], behaviour, NOW)).toBe(10);
    expect(stabilise(8, 10, [ago(30, 3), ago(100, 30)], behaviour, NOW)).toBe(10);
  });
});

describe('rate limits', () => {
  const out = (
    policies: { type: 'instances' | 'percent'; value: number; periodSeconds: number }[],
    selectPolicy: 'max' | 'min' | 'disabled' = 'max',
  ) => ({
    cooldownSeconds: 0,
    stabilizationWindowSeconds: 0,
    selectPolicy,
    policies,
  });
  const hpaUp = out([
    { type: 'percent', value: 100, periodSeconds: 15 },
    { type: 'instances', value: 4, periodSeconds: 15 },
  ]);

  it('allows max(100 %, 4 instances) with the HPA default scale-up policies', () => {
    expect(scaleOutLimit(2, hpaUp, [], NOW)).toBe(6);
    expect(scaleOutLimit(10, hpaUp, [], NOW)).toBe(20);
  });

  it('picks the least permissive policy with selectPolicy min', () => {
    expect(scaleOutLimit(10, { ...hpaUp, selectPolicy: 'min' }, [], NOW)).toBe(14);
  });

  it('counts what was already added in the period', () => {
    const added = [{ startTime: NOW - 10_000, fromCapacity: 10, toCapacity: 13 }];
    expect(scaleOutLimit(13, out([{ type: 'instances', value: 4, periodSeconds: 60 }]), added, NOW)).toBe(14);
    expect(scaleOutLimit(13, out([{ type: 'instances', value: 4, periodSeconds: 5 }]), added, NOW)).toBe(17);
  });

  it('forbids scale-out with selectPolicy disabled and allows anything with no policies', () => {
    expect(scaleOutLimit(5, out([], 'disabled'), [], NOW)).toBe(5);
    expect(scaleOutLimit(5, out([]), [], NOW)).toBe(Number.POSITIVE_INFINITY);
  });

  it('limits scale-in by percent of the capacity at the start of the period', () => {
    const half = out([{ type: 'percent', value: 50, periodSeconds: 300 }]);
    expect(scaleInLimit(10, half, [], NOW)).toBe(5);
    const removed = [{ startTime: NOW - 60_000, fromCapacity: 10, toCapacity: 7 }];
    expect(scaleInLimit(7, half, removed, NOW)).toBe(5);
  });

  it('records a rate limit in the explanation when it trims a decision', () => {
    const policy = policyOf({
      behaviour: { scaleOut: { policies: [{ type: 'instances', value: 2, periodSeconds: 60 }] } },
    });
    const decision = decide(inputOf({ desired: 4, cpu: 120, policy }));
    expect(decision.desired).toBe(6);
    expect(decision.explanation.limits).toContainEqual(
      expect.objectContaining({ kind: 'rate-limit', from: 8, to: 6 }),
    );
  });

  it('records a stabilisation hold in the explanation', () => {
    const input = { ...inputOf({ desired: 10, cpu: 20 }), recentRecommendations: [ago(60, 10)] };
    const decision = decide(input);
    expect(decision).toMatchObject({ desired: 10, direction: 'none', recommendation: 4 });
    expect(decision.explanation.limits).toContainEqual(
      expect.objectContaining({ kind: 'stabilisation', from: 4, to: 10 }),
    );
  });
});
