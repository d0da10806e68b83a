import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEndpointMetrics } from '@misybot-ha/metrics';
import { createChatApp, type Probe } from '../../../services/chat-demo/src/app';

/** The demo's `/health` body: what the platform's `dependency` checks read. */
async function healthWith(probes: { cache: Probe; database: Probe }) {
  const metrics = createEndpointMetrics({ sink: () => {}, flushIntervalMs: 0 });
  const app = createChatApp({
    store: { appendExchange: async () => {}, conversation: async () => [] },
    conversations: { getOrSet: async (_key, load) => load(), delete: async () => true },
    probes,
    metrics,
    stopping: () => false,
    probeTimeoutMs: 100,
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return { status: response.status, body: (await response.json()) as { dependencies: unknown } };
  } finally {
    metrics.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('chat-demo GET /health', () => {
  it('answers 200 degraded with the database down and why, without the driver’s message', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.3.7:5432'), { code: 'ECONNREFUSED' });
    const { status, body } = await healthWith({
      cache: async () => 'PONG',
      database: () => Promise.reject(refused),
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'degraded',
      dependencies: {
        cache: { status: 'up', latencyMs: expect.any(Number) },
        database: { status: 'down', error: 'ECONNREFUSED' },
      },
    });
  });

  it('says a dependency that does not answer in time timed out, and leaves out an error without a code', async () => {
    const { body } = await healthWith({
      cache: () => new Promise(() => {}),
      database: () =>
        Promise.reject(new Error('password authentication failed for user "chat" at db.internal')),
    });
    expect(body.dependencies).toEqual({
      cache: { status: 'down', error: 'no answer within 100 ms' },
      database: { status: 'down' },
    });
  });
});
