import { burstyChat, traceText } from '../../../../../bench/trace-families';
import { defaultPolicyInput } from '../../../../../functions/core/scaling/default-policy';
import { parsePolicySet } from '../../../../../functions/core/scaling/policy-schema';
import { type ModelResult, simulate } from '../../../../../functions/core/scaling/simulation/simulate';
import { parseTrace } from '../../../../../functions/core/scaling/simulation/trace';

// Seeds of their own, not the committed traces' (11, 12): fresh instances of the bursty family,
// six hours each, so the default policy is not judged on the data it was tuned on.
const SEEDS = [101, 102, 103];

const [cpu, memory] = defaultPolicyInput.targetTracking;
const { leading: _leading, ...cpuWithoutLeading } = cpu;
const withLeading = parsePolicySet(defaultPolicyInput);
const withoutLeading = parsePolicySet({ ...defaultPolicyInput, targetTracking: [cpuWithoutLeading, memory] });

function burstTrace(seed: number) {
  return parseTrace(traceText(`bursty-${seed}`, 'bursty chat', burstyChat(seed, 360), 'offset'));
}
const named = (results: readonly ModelResult[], name: string) => results.find((r) => r.name === name)!;

describe.each(SEEDS)('the default policy on a seeded bursty-chat trace (seed %i)', (seed) => {
  const trace = burstTrace(seed);
  const led = simulate(trace, withLeading).results;
  const engine = named(led, 'misybot-ha');
  const targetTracking = named(led, 'target-tracking');
  const cpuOnly = named(simulate(trace, withoutLeading).results, 'misybot-ha');

  it('breaches the SLO for fewer minutes than EC2 target tracking, on fewer instance-hours', () => {
    expect(engine.sloBreachMinutes).toBeLessThan(targetTracking.sloBreachMinutes);
    expect(engine.instanceHours).toBeLessThan(targetTracking.instanceHours);
  });

  it('breaches for fewer minutes with the request-count lead than the same policy reading CPU alone', () => {
    expect(engine.sloBreachMinutes).toBeLessThan(cpuOnly.sloBreachMinutes);
  });

  it('answers the bursts in fewer actions with the lead than reading CPU alone', () => {
    expect(engine.scalingActions).toBeLessThan(cpuOnly.scalingActions);
  });
});
