import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointMetrics } from '@misybot-ha/metrics';
import { instrumentHttpHandler } from '@misybot-ha/metrics';
import type { DependencyState } from './dependency-monitor';
import { composeReply, type ReplyWork } from './reply';
import type { ChatMessage } from './store';

export interface ChatAppDeps {
  readonly store: {
    appendExchange(chatId: string, text: string, reply: string): Promise<void>;
    conversation(chatId: string): Promise<ChatMessage[]>;
  };
  /** Conversations read through the cache (fail-open: a Redis outage is a miss). */
  readonly conversations: {
    getOrSet(key: string, load: () => Promise<ChatMessage[]>): Promise<ChatMessage[]>;
    delete(key: string): Promise<boolean>;
  };
  /** The dependencies' last known states (`monitorDependencies`): health reads, never probes. */
  readonly dependencies: () => Readonly<Record<string, DependencyState>>;
  readonly metrics: EndpointMetrics;
  /** True once shutdown began: health answers 503 so the ALB drains this instance. */
  readonly stopping: () => boolean;
  /** What composing a reply costs. @default no history, no CPU budget */
  readonly replyWork?: ReplyWork;
}

const CHAT = /^\/chat\/([A-Za-z0-9_-]{1,64})$/;
const MESSAGES = /^\/chat\/([A-Za-z0-9_-]{1,64})\/messages$/;
const MAX_BODY_BYTES = 16_384;

/** The route template of a request, as the endpoint metrics and alarms name it. */
export function routeOf(req: IncomingMessage): string | undefined {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/health') return '/health';
  if (CHAT.test(path)) return '/chat/:id';
  if (MESSAGES.test(path)) return '/chat/:id/messages';
  return undefined;
}

/**
 * The demo chat API: `POST /chat/:id/messages` composes a reply from the conversation's recent
 * history (its CPU cost set by `replyWork`) and stores the message and the reply,
 * `GET /chat/:id` returns the conversation (through the cache), `GET /health` reports each
 * dependency as the background probes last found it. Health answers 200 while the service itself can serve, with `degraded` and the
 * failing dependency when one is down: the ALB must not replace every instance because the
 * database failed over, which is the failover function's business. It answers 503 only while
 * stopping. Every request is recorded per route as CloudWatch EMF.
 */
export function createChatApp(deps: ChatAppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/health' && req.method === 'GET') return health(deps, res);
    const chat = CHAT.exec(path);
    if (chat && req.method === 'GET') {
      const chatId = chat[1]!;
      const messages = await deps.conversations.getOrSet(chatId, () => deps.store.conversation(chatId));
      return send(res, 200, { chatId, messages });
    }
    const post = MESSAGES.exec(path);
    if (post && req.method === 'POST') return postMessage(deps, post[1]!, req, res);
    if (chat || post) return send(res, 405, { error: `${req.method} is not allowed on ${path}` });
    return send(res, 404, { error: `no route ${req.method} ${path}` });
  };
  return instrumentHttpHandler(deps.metrics, (req, res) => handle(req, res), routeOf);
}

async function postMessage(deps: ChatAppDeps, chatId: string, req: IncomingMessage, res: ServerResponse) {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    return send(res, 400, {
      error: (error as Error).message.startsWith('body') ? (error as Error).message : 'body must be JSON',
    });
  }
  const text = (body as { text?: unknown } | null)?.text;
  if (typeof text !== 'string' || text.trim() === '' || text.length > 2000) {
    return send(res, 400, { error: 'text must be a non-empty string of at most 2000 characters' });
  }
  const work = deps.replyWork ?? { contextMessages: 0, cpuMs: 0 };
  // The prompt context is read as the conversation is (through the cache), before the write.
  const history =
    work.contextMessages === 0
      ? []
      : await deps.conversations.getOrSet(chatId, () => deps.store.conversation(chatId));
  const abandoned = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abandoned.abort();
  });
  const reply = await composeReply(history, text, work, abandoned.signal);
  // The client gave up (its load balancer cut the request): nothing is stored, nothing answered.
  if (!reply) return;
  await deps.store.appendExchange(chatId, text, reply.text);
  await deps.conversations.delete(chatId);
  return send(res, 201, {
    chatId,
    reply: reply.text,
    context: { messages: reply.contextMessages, tokens: reply.contextTokens },
  });
}

function health(deps: ChatAppDeps, res: ServerResponse) {
  const dependencies = deps.dependencies();
  const allUp = Object.values(dependencies).every((state) => state.status === 'up');
  if (deps.stopping()) return send(res, 503, { status: 'stopping', dependencies });
  return send(res, 200, { status: allUp ? 'ok' : 'degraded', dependencies });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body must be at most ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
