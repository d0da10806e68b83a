/**
 * Install size of each library package (not a test): run with `npx tsx bench/package-size.ts`.
 *
 * Packs the workspace packages with `npm pack` and installs each tarball, without its optional peers,
 * into an empty project outside the repository; prints the size of that project's `node_modules`
 * (apparent bytes) beside the baseline of the same run: an empty project installing only the Redis
 * clients a service needs anyway (`redis` + `ioredis`, the versions this repository is locked to).
 * Goal: ≤ 5 MB per package.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  installedBytes,
  PACKAGE_NAMES,
  packAll,
  REPO_ROOT,
  removeDir,
  scratchDir,
} from '../test/packages/packing';

const MB = 1024 * 1024;

function locked(name: string): string {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  return `${name}@${lock.packages[`node_modules/${name}`].version}`;
}

async function main() {
  const dir = scratchDir('misybot-pack-');
  try {
    const tarballs = await packAll(dir);
    const baseline = await installedBytes([locked('redis'), locked('ioredis')]);
    console.log(`baseline: redis + ioredis installed alone: ${(baseline / MB).toFixed(2)} MB`);
    for (const name of PACKAGE_NAMES) {
      const specs = name === 'cache' ? [tarballs.cache, tarballs.metrics] : [tarballs[name]];
      const installed = await installedBytes(specs);
      const tarball = readFileSync(tarballs[name]).length;
      console.log(
        `@misybot-ha/${name.padEnd(10)} tarball ${(tarball / 1024).toFixed(1).padStart(6)} kB, ` +
          `installed without peers ${(installed / MB).toFixed(3)} MB ` +
          `(${((100 * installed) / baseline).toFixed(1)} % of the baseline; goal ≤ 5 MB: ${installed <= 5 * MB ? 'met' : 'NOT met'})`,
      );
    }
  } finally {
    removeDir(dir);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
