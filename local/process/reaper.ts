import { type ChildProcess, spawn } from 'node:child_process';

// The reaper is a detached node process that reads "add"/"remove" lines on stdin. Its stdin closes
// when this process goes away for any reason: a normal exit, an uncaught error, or a SIGKILL (jest
// kills workers it believes are stuck). It then signals every server still tracked, SIGKILLs those
// that outlive a grace period, and deletes the tracked dirs. An in-process 'exit' hook cannot do
// this: jest gives each test file a sandboxed `process` whose 'exit' event never fires, and nothing
// runs at all after a SIGKILL.
const REAPER_SOURCE = `
process.title = 'misybot-test-reaper';
const { rmSync } = require('node:fs');
const live = new Map();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let end = pending.indexOf('\\n'); end >= 0; end = pending.indexOf('\\n')) {
    const message = JSON.parse(pending.slice(0, end));
    pending = pending.slice(end + 1);
    if (message.op === 'add') live.set(message.id, message);
    else live.delete(message.id);
  }
});
process.stdin.on('end', () => {
  const entries = [...live.values()];
  const signal = (pid, name) => { try { process.kill(pid, name); } catch {} };
  for (const entry of entries) if (entry.pid) signal(entry.pid, entry.signal);
  const grace = entries.some((entry) => entry.pid) ? 2000 : 0;
  setTimeout(() => {
    for (const entry of entries) if (entry.pid) signal(entry.pid, 'SIGKILL');
    setTimeout(() => {
      for (const entry of entries) {
        if (entry.dir) rmSync(entry.dir, { recursive: true, force: true, maxRetries: 5 });
      }
    }, 100);
  }, grace);
});
`;

/** A server process (and the signal that ends it promptly) or a temp dir to delete. */
export type Leftover = { pid: number; signal: NodeJS.Signals } | { dir: string };

let reaper: ChildProcess | undefined;
let nextId = 0;

function send(message: Record<string, unknown>): void {
  if (!reaper) {
    reaper = spawn(process.execPath, ['-e', REAPER_SOURCE], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // Its own process group: a Ctrl-C that kills jest and the servers must leave it to delete the dirs.
      detached: true,
    });
    // Neither the reaper nor the pipe to it may keep this process alive.
    reaper.unref();
    const stdin = reaper.stdin as NonNullable<ChildProcess['stdin']> & { unref(): void };
    stdin.on('error', () => undefined);
    stdin.unref();
  }
  reaper.stdin?.write(`${JSON.stringify(message)}\n`);
}

/**
 * Has `leftover` cleaned up if this process ends before the returned function is called.
 * Call the returned function once the server has exited or the dir is deleted, so a recycled pid
 * is never signalled.
 */
export function reapIfAbandoned(leftover: Leftover): () => void {
  nextId += 1;
  const id = nextId;
  send({ op: 'add', id, ...leftover });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    send({ op: 'remove', id });
  };
}
