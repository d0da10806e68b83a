import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../bin/cli';
import { commands } from '../../bin/commands';
import type { Command } from '../../bin/commands/command';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'misybot-cli-'));

describe('runCli', () => {
  it('lists every command on --help and exits 0', async () => {
    const { io, out } = capture();
    expect(await runCli(['--help'], commands, io)).toBe(0);
    for (const command of commands) expect(out.join('')).toContain(command.usage);
  });

  it('exits 2 with the help on stderr for an unknown command', async () => {
    const { io, err } = capture();
    expect(await runCli(['deploy'], commands, io)).toBe(2);
    expect(err.join('')).toContain('unknown command "deploy"');
  });

  it('names the subcommands of a group when the subcommand is missing', async () => {
    const { io, err } = capture();
    expect(await runCli(['config'], commands, io)).toBe(2);
    expect(err.join('')).toContain('config needs a subcommand (one of: validate)');
  });

  it('validates a good file with a summary and exit 0', async () => {
    const path = join(dir, 'good.json');
    writeFileSync(path, JSON.stringify({ fleet: { minCapacity: 3, maxCapacity: 12 } }));
    const { io, out } = capture();
    expect(await runCli(['config', 'validate', path], commands, io)).toBe(0);
    expect(out.join('')).toContain(`${path}: valid`);
    expect(out.join('')).toContain('t4g.small × 3–12');
  });

  it('prints the field errors of a bad file on stderr and exits non-zero', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ fleet: { minCapacity: 2, maxCapacity: 1 } }));
    const { io, out, err } = capture();
    expect(await runCli(['config', 'validate', path], commands, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toContain('fleet.maxCapacity: must be ≥ fleet.minCapacity (2), got 1');
  });

  it('prints stable JSON with --json', async () => {
    const path = join(dir, 'json.json');
    writeFileSync(path, '{}');
    const { io, out } = capture();
    expect(await runCli(['config', 'validate', path, '--json'], commands, io)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ valid: true, config: { name: 'misybot' } });
  });

  it('rejects an unknown option without a stack trace', async () => {
    const { io, err } = capture();
    expect(await runCli(['config', 'validate', '--colour', 'x'], commands, io)).toBe(2);
    expect(err.join('')).toContain("Unknown option '--colour'");
    expect(err.join('')).not.toMatch(/\n\s+at /);
  });

  it('reports an unexpected failure in one line and shows the stack only in debug mode', async () => {
    const crashing: Command = {
      group: 'boom',
      name: 'now',
      usage: 'misybot-ha boom now',
      summary: 'fails',
      options: {},
      run: async () => {
        throw new Error('socket closed');
      },
    };
    const quiet = capture();
    expect(await runCli(['boom', 'now'], [crashing], quiet.io)).toBe(1);
    expect(quiet.err.join('')).toBe('misybot-ha boom now: internal error: socket closed\n');
    const loud = capture();
    await runCli(['boom', 'now'], [crashing], loud.io, true);
    expect(loud.err.join('')).toMatch(/\n\s+at /);
  });
});
