import { readFileSync } from 'node:fs';
import { defaultPolicyInput } from '../../functions/core/scaling/default-policy';
import { PolicyError, type PolicySet, parsePolicySet } from '../../functions/core/scaling/policy-schema';
import { renderChart } from '../../functions/core/scaling/simulation/chart';
import { type SimulationResult, simulate } from '../../functions/core/scaling/simulation/simulate';
import { parseTrace, type Trace, TraceError } from '../../functions/core/scaling/simulation/trace';
import { InputError } from '../../functions/shared/errors';
import type { Command } from './command';
import { scalingSimulateSpec } from './specs';

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : 'file not readable';
    throw new InputError(`${flag} ${file}: ${reason}`, { cause: error });
  }
}

function loadTrace(file: string): Trace {
  try {
    return parseTrace(readText(file, '--trace'));
  } catch (error) {
    if (error instanceof TraceError)
      throw new InputError(`--trace ${file}: ${error.message}`, { cause: error });
    throw error;
  }
}

function loadPolicy(file: string | undefined): PolicySet {
  if (file === undefined) return parsePolicySet(defaultPolicyInput, 'the default policy');
  let json: unknown;
  try {
    json = JSON.parse(readText(file, '--policy'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`--policy ${file}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parsePolicySet(json, file);
  } catch (error) {
    if (error instanceof PolicyError) {
      throw new InputError(`--policy ${file}:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function humanReport(trace: string, result: SimulationResult): string {
  const { settings, results, notes } = result;
  const baseline = results.find((r) => r.name === 'target-tracking')!;
  const ratio = (value: number, base: number) => (base === 0 ? '-' : `${(value / base).toFixed(2)}×`);
  const header = `${'model'.padEnd(17)}${'instance-h'.padStart(11)}${'vs TT'.padStart(7)}${'SLO breach min'.padStart(16)}${'actions'.padStart(9)}${'vs TT'.padStart(7)}${'reversals'.padStart(11)}`;
  const rows = results.map(
    (r) =>
      `${r.name.padEnd(17)}${r.instanceHours.toFixed(1).padStart(11)}${ratio(r.instanceHours, baseline.instanceHours).padStart(7)}${r.sloBreachMinutes.toFixed(1).padStart(16)}${String(r.scalingActions).padStart(9)}${ratio(r.scalingActions, baseline.scalingActions).padStart(7)}${String(r.reversals).padStart(11)}`,
  );
  const engine = results.find((r) => r.name === 'misybot-ha')!;
  const chart = renderChart(
    [
      { label: 'demand', symbol: '.', values: engine.series.demand },
      { label: 'target-tracking capacity', symbol: 'o', values: baseline.series.capacity },
      { label: 'misybot-ha capacity', symbol: '#', values: engine.series.capacity },
    ],
    {
      xLabel: `0 → ${engine.series.minute.length} minutes; capacity = in-service instances × ${settings.capacityPerInstance}`,
    },
  );
  return [
    `${trace}: ${engine.series.minute.length} minutes replayed`,
    `  fleet: ${settings.capacityPerInstance} load/instance, boot ${settings.bootSeconds}s, metrics every ${settings.metricPeriodSeconds}s seen ${settings.metricDelaySeconds}s late, ${settings.minCapacity}-${settings.maxCapacity} instances`,
    `  SLO: CPU ≤ ${settings.sloUtilisation} % and demand ≤ capacity; baselines and oracle hold ${settings.targetCpu} % CPU`,
    ...notes.map((note) => `  note: ${note}`),
    '',
    header,
    ...rows,
    '',
    chart,
  ].join('\n');
}

/** `misybot-ha scaling simulate --trace FILE [--policy FILE] [--json]`: backtests a policy on a load trace. */
export const scalingSimulateCommand: Command = {
  ...scalingSimulateSpec,
  async run({ values, positionals }, io) {
    if (positionals.length > 0) {
      throw new InputError(
        `scaling simulate: unexpected argument "${positionals[0]}" (the trace goes in --trace FILE)`,
      );
    }
    const traceFile = values.trace;
    if (typeof traceFile !== 'string' || traceFile === '') {
      throw new InputError('scaling simulate: --trace FILE is required (a CSV of time,load[,memory])');
    }
    const trace = loadTrace(traceFile);
    const policy = loadPolicy(typeof values.policy === 'string' ? values.policy : undefined);
    const result = simulate(trace, policy);
    if (values.json) {
      const results = result.results.map(
        ({ name, instanceHours, sloBreachMinutes, scalingActions, reversals }) => ({
          name,
          instanceHours,
          sloBreachMinutes,
          scalingActions,
          reversals,
        }),
      );
      io.stdout(`${JSON.stringify({ results }, null, 2)}\n`);
      return 0;
    }
    io.stdout(humanReport(traceFile, result));
    return 0;
  },
};
