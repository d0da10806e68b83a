import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scalingSimulateCommand } from '../../../bin/commands/scaling-simulate';
import { InputError } from '../../../functions/shared/errors';

const dir = mkdtempSync(join(tmpdir(), 'misybot-simulate-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function capture() {
  const out: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) }, out };
}
const rows = ['time,load'];
for (let minute = 0; minute <= 120; minute++)
  rows.push(`${minute * 60},${minute >= 40 && minute < 80 ? 900 : 200}`);
const trace = file('trace.csv', rows.join('\n'));
const run = (values: Record<string, string | boolean | undefined>, io = capture().io) =>
  scalingSimulateCommand.run({ values, positionals: [] }, io);

async function inputError(values: Record<string, string | boolean | undefined>): Promise<string> {
  try {
    await run(values);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('misybot-ha scaling simulate', () => {
  it('prints exactly the documented JSON with --json', async () => {
    const { io, out } = capture();
    expect(await run({ trace, json: true }, io)).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(Object.keys(json)).toEqual(['results']);
    expect(json.results.map((r: { name: string }) => r.name)).toEqual([
      'misybot-ha',
      'target-tracking',
      'hpa',
      'oracle',
    ]);
    for (const result of json.results) {
      expect(Object.keys(result)).toEqual([
        'name',
        'instanceHours',
        'sloBreachMinutes',
        'scalingActions',
        'reversals',
      ]);
      expect(typeof result.instanceHours).toBe('number');
    }
  });

  it('prints a table and a capacity-vs-demand chart by default', async () => {
    const { io, out } = capture();
    expect(await run({ trace }, io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^model\s+instance-h\s+vs TT\s+SLO breach min\s+actions\s+vs TT\s+reversals$/m);
    expect(text).toMatch(/^target-tracking\s+[\d.]+\s+1\.00×/m);
    expect(text).toContain('. demand   o target-tracking capacity   # misybot-ha capacity');
    expect(text).toContain('note: policy "memory" skipped');
  });

  it('uses the policy given with --policy', async () => {
    const policy = file(
      'policy.json',
      JSON.stringify({ targetTracking: [{ name: 'cpu', metric: 'cpu', target: 40 }] }),
    );
    const { io, out } = capture();
    await run({ trace, policy }, io);
    expect(out.join('')).toContain('baselines and oracle hold 40 % CPU');
  });

  it('requires --trace', async () => {
    expect(await inputError({})).toBe(
      'scaling simulate: --trace FILE is required (a CSV of time,load[,memory])',
    );
  });

  it('names a missing file', async () => {
    expect(await inputError({ trace: join(dir, 'nope.csv') })).toBe(
      `--trace ${join(dir, 'nope.csv')}: file not found`,
    );
  });

  it('names the line of a bad trace', async () => {
    const bad = file('unsorted.csv', 'time,load\n0,1\n60,2\n30,3\n');
    expect(await inputError({ trace: bad })).toContain(`--trace ${bad}: line 4: time "30" is not after`);
    const text = file('text.csv', 'time,load\n0,1\n60,lots\n');
    expect(await inputError({ trace: text })).toContain('line 3: load "lots" is not a number ≥ 0');
  });

  it('names the field of a bad policy: unknown fields and min > max', async () => {
    const policy = file(
      'bad-policy.json',
      JSON.stringify({
        minCapacity: 9,
        maxCapacity: 3,
        targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60, speed: 2 }],
      }),
    );
    const message = await inputError({ trace, policy });
    expect(message).toContain('targetTracking[0]: unknown field "speed"');
    expect(message).toContain('maxCapacity: must be ≥ minCapacity (9), got 3');
  });

  it('names a policy file that is not JSON', async () => {
    const policy = file('broken.json', '{ "targetTracking": ');
    expect(await inputError({ trace, policy })).toContain(`--policy ${policy}: not valid JSON`);
  });
});
