import { parsePlatformConfig } from '../../functions/shared/config';
import { ConfigError } from '../../functions/shared/errors';

/** The problem lines `parsePlatformConfig` rejects `input` with; fails the test when it accepts it. */
export function problemsOf(input: unknown): string[] {
  try {
    parsePlatformConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}
