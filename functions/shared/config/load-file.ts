import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';
import { defaultConfigInput } from './default-config';
import { type PlatformConfig, parsePlatformConfig } from './platform-config';

/**
 * Reads and validates a JSON configuration file; with no path, the embedded default.
 * @throws {ConfigError} when the file cannot be read, is not JSON, or does not match the schema.
 */
export function loadPlatformConfig(path?: string): PlatformConfig {
  if (path === undefined) return parsePlatformConfig(defaultConfigInput, 'embedded default configuration');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file not readable';
    throw new ConfigError(path, [`${reason} (${(error as Error).message})`], { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid JSON: ${(error as Error).message}`], { cause: error });
  }
  return parsePlatformConfig(json, path);
}
