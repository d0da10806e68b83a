import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalLoadBalancer } from '../../../local/fleet/load-balancer';

function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(req.url === '/health' ? 'ok' : name);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })),
  );
}

function fetchText(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/chat/a', agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const until = async (condition: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

let balancer: LocalLoadBalancer;
afterEach(() => balancer?.stop());

test('answers 503 while no target is healthy, as an ALB does', async () => {
  balancer = new LocalLoadBalancer({ intervalMs: 50 });
  const port = await balancer.start();
  expect((await fetchText(port)).status).toBe(503);
});

test('routes to healthy targets and takes a dead one out after the unhealthy threshold', async () => {
  const a = await backend('a');
  const b = await backend('b');
  try {
    balancer = new LocalLoadBalancer({ intervalMs: 50, unhealthyThreshold: 2 });
    const port = await balancer.start();
    balancer.register('i-a', a.port);
    balancer.register('i-b', b.port);
    await until(() => balancer.healthy() === 2);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i += 1) seen.add((await fetchText(port)).body);
    expect(seen).toEqual(new Set(['a', 'b']));

    a.server.closeAllConnections();
    await new Promise((resolve) => a.server.close(resolve));
    await until(() => balancer.view().find((t) => t.id === 'i-a')?.state === 'unhealthy');
    const after = await Promise.all(Array.from({ length: 6 }, () => fetchText(port)));
    expect(after.map((answer) => answer.body)).toEqual(Array(6).fill('b'));
  } finally {
    for (const server of [a.server, b.server]) {
      server.closeAllConnections();
      server.close();
    }
  }
});

test('a deregistered target is drained at once and gets no new request', async () => {
  const a = await backend('a');
  balancer = new LocalLoadBalancer({ intervalMs: 50 });
  const port = await balancer.start();
  try {
    balancer.register('i-a', a.port);
    await until(() => balancer.healthy() === 1);
    balancer.deregister('i-a');
    expect(balancer.view()[0]?.state).toBe('draining');
    expect((await fetchText(port)).status).toBe(503);
  } finally {
    a.server.closeAllConnections();
    a.server.close();
  }
});

test('drops the request of a client that gave up, so the target never works on it', async () => {
  let arrived = 0;
  let cut = 0;
  const held = createServer((req, res) => {
    if (req.url === '/health') {
      res.end('ok');
      return;
    }
    arrived += 1;
    // Never answers: the client gives up first, and the cut reaches the target.
    req.socket.on('close', () => {
      cut += 1;
    });
  });
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
  try {
    balancer = new LocalLoadBalancer({ intervalMs: 50 });
    const port = await balancer.start();
    balancer.register('i-held', (held.address() as AddressInfo).port);
    await until(() => balancer.healthy() === 1);
    const request = get({ host: '127.0.0.1', port, path: '/chat/a', agent: false });
    request.on('error', () => undefined);
    await until(() => arrived === 1);
    request.destroy();
    await until(() => cut === 1);
    expect(balancer.view().find((t) => t.id === 'i-held')?.outstanding).toBe(0);
  } finally {
    held.closeAllConnections();
    await new Promise((resolve) => held.close(resolve));
  }
});
