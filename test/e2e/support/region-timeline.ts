import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTimeline } from '../../../functions/core/failover/region/timeline';
import type { RegionTimeline } from '../../../functions/core/failover/region/types';
import type { RegionPair } from '../../../local/platform/region-pair';

/**
 * Writes a region scenario's stored timelines (as the CLI renders them) and the function's log
 * lines under `test/e2e/.logs/<name>/`, for reading after a run (the folder is ignored by git).
 */
export function saveRegionTimelines(
  pair: RegionPair,
  timelines: readonly RegionTimeline[],
  name: string,
): void {
  const dir = join(__dirname, '..', '.logs', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'timeline.txt'), `${timelines.map(renderTimeline).join('\n\n')}\n`);
  writeFileSync(
    join(dir, 'functions.log'),
    pair.logs
      .map((line) => `${new Date(line.at).toISOString()} ${line.functionName} ${line.text}`)
      .join('\n'),
  );
}
