import { request as httpRequest } from 'node:http';
import type { ReceivedRequest, SiteAnswer } from './https-sites';

/**
 * Sends a request the emulated load balancer received on to a loopback HTTP server (the demo
 * fleet's load balancer) and answers with what it answered, so the functions' probes of the ALB's
 * name reach the real instances: their `/health` with its `dependencies`, their 5xx. A target that
 * cannot be reached is a 502, as an ALB answers it.
 */
export function forwardTo(port: number, received: ReceivedRequest, timeoutMs = 10_000): Promise<SiteAnswer> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: received.method,
        path: received.path,
        headers: { 'content-type': String(received.headers['content-type'] ?? 'application/json') },
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const type = res.headers['content-type'];
          resolve({
            status: res.statusCode ?? 502,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(type ? { headers: { 'content-type': type } } : {}),
          });
        });
        res.on('error', () => resolve({ status: 502, body: '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve({ status: 502, body: '' }));
    req.end(received.body === '' ? undefined : received.body);
  });
}
