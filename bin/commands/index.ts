import type { Command } from './command';
import { configValidateCommand } from './config-validate';
import { healthCheckCommand } from './health-check';
import { queriesAdviseCommand } from './queries-advise';
import { queriesAnalyzeCommand } from './queries-analyze';
import { regionCommands } from './region';
import { scalingSimulateCommand } from './scaling-simulate';

/** Every CLI command, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  queriesAnalyzeCommand,
  queriesAdviseCommand,
  scalingSimulateCommand,
  healthCheckCommand,
  configValidateCommand,
  ...regionCommands(),
];
