import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { describeNetworkError } from './tcp-probe';

/**
 * One HTTP(S) request as a probe makes it, shared by the `http` and `dependency` probes: a fresh
 * connection (no keep-alive pool: a probe must see connect and TLS failures), no redirects
 * followed, at most `maxBodyBytes` of the body read. A response cut short is a failure.
 */

/** What to send and how much to read. */
export interface ProbeRequest {
  readonly url: string;
  /** @default 'GET' */
  readonly method?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Bytes of body read; the rest is not. 0 reads none (HEAD). */
  readonly maxBodyBytes: number;
  /** Extra CA certificates (PEM) to trust besides the system ones. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly userAgent: string;
  /** Wall-clock now, for the certificate's days to expiry. */
  readonly now: () => number;
}

/** The peer certificate's expiry, for HTTPS. */
export interface PeerCertificate {
  readonly daysLeft: number;
  readonly validTo: string;
}

/** A response read in full (up to the cap), or why there is none. */
export type ProbeResponse =
  | {
      readonly ok: true;
      readonly statusCode: number;
      readonly body: Buffer;
      readonly certificate?: PeerCertificate;
    }
  | {
      readonly ok: false;
      /** In words an on-call engineer acts on: "connection refused", "HTTP 200, then … mid-response". */
      readonly error: string;
      /** Set when the failure came after the status line. */
      readonly statusCode?: number;
    };

const DAY_MS = 86_400_000;

/** Sends the request and reads the response; resolves, never rejects. */
export function sendProbeRequest(request: ProbeRequest, signal: AbortSignal): Promise<ProbeResponse> {
  return new Promise<ProbeResponse>((resolve) => {
    if (signal.aborted) return resolve({ ok: false, error: 'aborted before the request' });
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    let done = false;
    const finish = (response: ProbeResponse) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve(response);
    };
    const send = secure ? httpsRequest : httpRequest;
    const ca = request.ca as string | Buffer | (string | Buffer)[] | undefined;
    const req = send(url, {
      method: request.method ?? 'GET',
      headers: { 'user-agent': request.userAgent, ...request.headers },
      agent: false,
      signal,
      ...(secure && ca ? { ca } : {}),
    });
    let received: number | undefined;
    const midResponse = (statusCode: number, error: unknown): ProbeResponse => ({
      ok: false,
      error: `HTTP ${statusCode}, then ${describeNetworkError(error)} mid-response`,
      statusCode,
    });
    req.once('error', (error) =>
      finish(
        received === undefined
          ? { ok: false, error: describeNetworkError(error) }
          : midResponse(received, error),
      ),
    );
    req.once('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      received = statusCode;
      const certificate = secure ? certificateDaysLeft(response, request.now()) : undefined;
      readBody(response, request.maxBodyBytes).then(
        (body) => finish({ ok: true, statusCode, body, ...(certificate ? { certificate } : {}) }),
        (error: unknown) => finish(midResponse(statusCode, error)),
      );
    });
    req.end(request.body);
  });
}

function certificateDaysLeft(response: IncomingMessage, now: number): PeerCertificate | undefined {
  const peer = (response.socket as TLSSocket).getPeerCertificate?.();
  if (!peer?.valid_to) return undefined;
  const validTo = Date.parse(peer.valid_to);
  if (Number.isNaN(validTo)) return undefined;
  return { daysLeft: Math.floor((validTo - now) / DAY_MS), validTo: new Date(validTo).toISOString() };
}

/** Reads up to `cap` bytes, then stops reading; rejects if the body ends abnormally before that. */
function readBody(response: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      response.removeAllListeners('data');
      response.destroy();
      resolve(Buffer.concat(chunks).subarray(0, cap));
    };
    if (cap === 0) {
      response.resume();
    }
    response.on('data', (chunk: Buffer) => {
      if (cap === 0) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= cap) stop();
    });
    response.once('end', () => resolve(Buffer.concat(chunks)));
    response.once('error', reject);
    // Node ends a reset response with 'close' and no 'end'; `complete` tells the two apart.
    response.once('close', () => {
      if (!response.complete) reject(Object.assign(new Error('response cut short'), { code: 'ECONNRESET' }));
    });
  });
}
