import type { Command } from './command';
import { configValidateCommand } from './config-validate';

/** Every CLI command, in the order `--help` lists them. */
export const commands: readonly Command[] = [configValidateCommand];
