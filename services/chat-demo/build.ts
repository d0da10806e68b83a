import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** Where the service's source lives; its bundle includes the platform libraries it imports. */
export const CHAT_DEMO_ENTRY = join(__dirname, 'src', 'server.ts');

/**
 * Bundles the demo chat service into `outDir`: one `server.js` with its dependencies inside, for
 * Node.js 22 (what the fleet installs), and the `package.json` that names the start file. This is
 * the artifact the fleet downloads and the test starts.
 */
export function buildChatDemo(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  buildSync({
    entryPoints: [CHAT_DEMO_ENTRY],
    outfile: join(outDir, 'server.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // pg's optional native binding is never used.
    external: ['pg-native'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  writeFileSync(
    join(outDir, 'package.json'),
    `${JSON.stringify({ name: 'misybot-chat-demo', private: true, main: 'server.js' }, null, 2)}\n`,
  );
}
