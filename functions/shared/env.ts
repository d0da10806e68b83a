import { ConfigError } from './errors';

/**
 * Reads the environment variables a handler was deployed with. A missing or empty one is a
 * deployment defect, so it fails the cold start with the variable's name rather than later.
 * @throws {ConfigError} naming every variable that is missing.
 */
export function readEnv<const Names extends readonly string[]>(
  names: Names,
  env: NodeJS.ProcessEnv = process.env,
): { readonly [K in Names[number]]: string } {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ConfigError(
      'Lambda environment',
      missing.map((name) => `${name}: must be set by the deployment, got nothing`),
    );
  }
  return Object.fromEntries(names.map((name) => [name, env[name] as string])) as {
    readonly [K in Names[number]]: string;
  };
}
