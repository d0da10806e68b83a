import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalPlatform } from '../../../local/platform/local-platform';
import { formatTimeline, timeline } from '../../../local/views/timeline';

/**
 * Writes the scenario's timeline and the functions' logs under `test/e2e/.logs/<name>/`, so a
 * failure in CI can be read afterwards (the folder is ignored by git).
 */
export function saveTimeline(platform: LocalPlatform, since: number, name: string): void {
  const dir = join(__dirname, '..', '.logs', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'timeline.txt'), `${formatTimeline(timeline(platform, since), since)}\n`);
  writeFileSync(
    join(dir, 'functions.log'),
    platform.logs
      .map((line) => `${new Date(line.at).toISOString()} ${line.functionName} ${line.text}`)
      .join('\n'),
  );
}
