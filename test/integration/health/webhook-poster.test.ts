import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from '../../../functions/adapters/http/webhook-poster';

const SECRET_PATH = '/services/T000/B000/s3cr3tT0k3n';
let answers: ((res: ServerResponse) => void)[] = [];
const bodies: string[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    bodies.push(body);
    (answers.shift() ?? ((r) => r.end('ok')))(res);
  });
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = [];
  bodies.length = 0;
});

describe('postWebhook against a real server', () => {
  it('waits out a 429 with Retry-After and delivers on the next attempt', async () => {
    answers = [
      (res) => {
        res.writeHead(429, { 'retry-after': '0' });
        res.end('rate_limited');
      },
    ];
    const delivery = await postWebhook(`${base}${SECRET_PATH}`, { text: 'hi' }, { baseDelayMs: 1 });
    expect(delivery).toEqual({ status: 200, attempts: 2 });
    expect(bodies).toEqual(['{"text":"hi"}', '{"text":"hi"}']);
  });

  it('fails at once on a 4xx without leaking the webhook path, even when the server echoes it', async () => {
    answers = [
      (res) => {
        res.statusCode = 404;
        res.end(`no_service ${SECRET_PATH}`);
      },
    ];
    const error = await postWebhook(`${base}${SECRET_PATH}`, { text: 'hi' }).then(
      () => {
        throw new Error('expected the delivery to fail');
      },
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ name: 'WebhookDeliveryError', status: 404, attempts: 1 });
    expect(error.message).toBe(`webhook ${base}/… refused the message: HTTP 404: no_service …`);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('s3cr3t');
  });
});
