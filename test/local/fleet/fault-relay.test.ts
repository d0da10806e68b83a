import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:net';
import { FaultRelay } from '../../../local/fleet/fault-relay';

let echo: Server;
let relay: FaultRelay;
let port: number;

beforeEach(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  relay = new FaultRelay({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port }, 'echo');
  port = await relay.start();
});

afterEach(async () => {
  await relay.stop();
  await new Promise((resolve) => echo.close(resolve));
});

/** Sends `text` through the relay; resolves with the echo and the round trip in ms, or the error. */
function roundTrip(text: string): Promise<{ answer: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text));
    socket.on('data', (chunk) => {
      resolve({ answer: chunk.toString(), ms: performance.now() - started });
      socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed without an answer')));
  });
}

test('passes traffic through unchanged', async () => {
  expect((await roundTrip('PING')).answer).toBe('PING');
});

test('slow: each direction waits the delay, so a round trip takes at least twice it', async () => {
  relay.setMode({ kind: 'slow', delayMs: 100 });
  const { answer, ms } = await roundTrip('PING');
  expect(answer).toBe('PING');
  expect(ms).toBeGreaterThanOrEqual(195);
});

test('down: new connections are cut and open ones closed, until it passes again', async () => {
  relay.setMode({ kind: 'down' });
  await expect(roundTrip('PING')).rejects.toThrow();
  relay.setMode({ kind: 'pass' });
  expect((await roundTrip('PING')).answer).toBe('PING');
});

test('switchTo: new connections reach the new server and the open ones to the old server are cut', async () => {
  const shout = createServer((socket) =>
    socket.on('data', (chunk) => socket.write(chunk.toString().toUpperCase())),
  );
  await new Promise<void>((resolve) => shout.listen(0, '127.0.0.1', resolve));
  try {
    const open = connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => open.once('connect', resolve));
    const cut = new Promise((resolve) => open.once('close', resolve));
    relay.switchTo({ host: '127.0.0.1', port: (shout.address() as AddressInfo).port });
    await cut;
    expect((await roundTrip('ping')).answer).toBe('PING');
  } finally {
    await new Promise((resolve) => shout.close(resolve));
  }
});
