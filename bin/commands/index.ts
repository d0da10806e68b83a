import type { Command, CommandSpec } from './command';
import {
  configValidateSpec,
  healthCheckSpec,
  queriesAdviseSpec,
  queriesAnalyzeSpec,
  scalingSimulateSpec,
} from './specs';

/** A command whose implementation (and its dependencies) loads only when it runs. */
function lazy(spec: CommandSpec, load: () => Promise<Command>): Command {
  return {
    ...spec,
    async run(args, io) {
      return (await load()).run(args, io);
    },
  };
}

/** Every CLI command, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  lazy(queriesAnalyzeSpec, async () => (await import('./queries-analyze')).queriesAnalyzeCommand),
  lazy(queriesAdviseSpec, async () => (await import('./queries-advise')).queriesAdviseCommand),
  lazy(scalingSimulateSpec, async () => (await import('./scaling-simulate')).scalingSimulateCommand),
  lazy(healthCheckSpec, async () => (await import('./health-check')).healthCheckCommand),
  lazy(configValidateSpec, async () => (await import('./config-validate')).configValidateCommand),
];
