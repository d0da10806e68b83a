import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createEndpointMetrics,
  type EmfDocument,
  expressMiddleware,
  fastifyHooks,
  instrumentHttpHandler,
} from '@misybot-ha/metrics';

class FakeResponse extends EventEmitter {
  statusCode = 200;
  writableFinished = false;
  writableEnded = false;
  headersSent = false;
  end() {
    this.writableEnded = true;
    this.writableFinished = true;
    this.emit('finish');
    this.emit('close');
  }
  abort() {
    this.emit('close');
  }
}

function setup() {
  const docs: EmfDocument[] = [];
  const metrics = createEndpointMetrics({ flushIntervalMs: 0, sink: (d) => docs.push(d) });
  const flushed = () => {
    metrics.flush();
    return docs.map((d) => ({ route: d.Route, method: d.Method, requests: d.Requests, errors: d.Errors }));
  };
  return { metrics, flushed };
}

describe('expressMiddleware', () => {
  it('records the mounted route template, not the URL, once per response', () => {
    const { metrics, flushed } = setup();
    const mw = expressMiddleware(metrics);
    const req: { method: string; baseUrl: string; route?: { path: string } } = {
      method: 'GET',
      baseUrl: '/v1',
    };
    const res = new FakeResponse();
    const next = jest.fn();
    mw(req, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    req.route = { path: '/users/:id' };
    res.end();
    expect(flushed()).toEqual([{ route: '/v1/users/:id', method: 'GET', requests: 1, errors: 0 }]);
  });

  it('uses the resolver, then the unmatched bucket; an aborted response is an error', () => {
    const { metrics, flushed } = setup();
    const viaResolver = expressMiddleware(metrics, () => '/static/*');
    const plain = expressMiddleware(metrics);
    const a = new FakeResponse();
    viaResolver({ method: 'GET' }, a, () => undefined);
    a.end();
    const b = new FakeResponse();
    plain({ method: 'GET' }, b, () => undefined);
    b.abort();
    expect(flushed()).toEqual([
      { route: '/static/*', method: 'GET', requests: 1, errors: 0 },
      { route: '__unmatched__', method: 'GET', requests: 1, errors: 1 },
    ]);
  });
});

describe('fastifyHooks', () => {
  it('records routeOptions.url between onRequest and onResponse', () => {
    const { metrics, flushed } = setup();
    const hooks = fastifyHooks(metrics);
    const done = jest.fn();
    const request = { method: 'POST', routeOptions: { url: '/chats/:chatId/messages' } };
    hooks.onRequest(request, {}, done);
    hooks.onResponse(request, { statusCode: 500 }, done);
    const notFound = { method: 'GET', routeOptions: {} };
    hooks.onRequest(notFound, {}, done);
    hooks.onResponse(notFound, { statusCode: 404 }, done);
    expect(done).toHaveBeenCalledTimes(4);
    expect(flushed()).toEqual([
      { route: '/chats/:chatId/messages', method: 'POST', requests: 1, errors: 1 },
      { route: '__unmatched__', method: 'GET', requests: 1, errors: 0 },
    ]);
  });
});

describe('instrumentHttpHandler', () => {
  const call = (
    handler: (req: IncomingMessage, res: ServerResponse) => unknown,
    onError?: (error: unknown) => void,
  ) => {
    const { metrics, flushed } = setup();
    const wrapped = instrumentHttpHandler(
      metrics,
      handler,
      (req) => (req.url === '/health' ? '/health' : undefined),
      onError ? { onError } : {},
    );
    const res = new FakeResponse();
    wrapped({ method: 'GET', url: '/health' } as IncomingMessage, res as unknown as ServerResponse);
    return { res, flushed };
  };

  it('records handlers that respond', () => {
    const { flushed } = call((_req, res) => res.end());
    expect(flushed()).toEqual([{ route: '/health', method: 'GET', requests: 1, errors: 0 }]);
  });

  it('turns a throwing handler into a 500 counted as an error, and hands the error to onError', () => {
    const seen: unknown[] = [];
    const bug = new Error('bug');
    const { res, flushed } = call(
      () => {
        throw bug;
      },
      (error) => seen.push(error),
    );
    expect(res.statusCode).toBe(500);
    expect(flushed()).toEqual([{ route: '/health', method: 'GET', requests: 1, errors: 1 }]);
    expect(seen).toEqual([bug]);
  });

  it('turns a rejecting async handler into a 500 counted as an error, and hands the error to onError', async () => {
    const seen: unknown[] = [];
    const { res, flushed } = call(
      async () => {
        throw new Error('async bug');
      },
      (error) => seen.push(error),
    );
    await new Promise((r) => setImmediate(r));
    expect(res.statusCode).toBe(500);
    expect(flushed()).toEqual([{ route: '/health', method: 'GET', requests: 1, errors: 1 }]);
    expect(seen).toEqual([new Error('async bug')]);
  });

  it('logs a failed handler on stderr when no onError is given', () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const bug = new Error('bug');
      call(() => {
        throw bug;
      });
      expect(error).toHaveBeenCalledWith('[@misybot-ha/metrics] request handler failed:', bug);
    } finally {
      error.mockRestore();
    }
  });
});
