'use strict';
/**
 * One emulated Lambda execution environment (runs under Node 24, not transpiled): loads the
 * bundled handler named by `_HANDLER` from `LAMBDA_TASK_ROOT`, as the `nodejs24.x` runtime does,
 * then runs the invocations the parent sends over IPC, one at a time. The parent owns the clock
 * (see virtual-time.cjs) and kills the process when an invocation outlives its timeout, as
 * Lambda does.
 *
 * Messages in: invoke {id, requestId, event, deadline, traceId}, probe {seq}, advance {offset},
 * resume. Messages out: ready, init-error, result {id, ok, payload | error}, probe {seq,
 * quiescent, nextDue}.
 */

const path = require('node:path');
const time = require('./virtual-time.cjs');
const network = require('./emulated-network.cjs');

// Active resources that do not mean work in progress: timers are the clock's business, and the
// IPC channel, stdio and the X-Ray UDP socket are always there.
const IDLE_RESOURCES = new Set([
  'Timeout',
  'PipeWrap',
  'TTYWrap',
  'UDPWrap',
  'SendWrap',
  'WriteWrap',
  'ShutdownWrap',
  'SignalWrap',
  'FSEventWrap',
  'StatWatcher',
]);
// A timer this close is as good as running: jumping to it would only race it.
const IMMINENT_MS = 5;

time.install(Number(process.env.MISYBOT_LOCAL_CLOCK_OFFSET ?? 0));
network.install(JSON.parse(process.env.MISYBOT_LOCAL_ROUTES ?? '{}'));
delete process.env.MISYBOT_LOCAL_CLOCK_OFFSET;
delete process.env.MISYBOT_LOCAL_ROUTES;
// Pipes are asynchronous on Linux: blocking writes keep log lines whole and in order.
for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);

let running;

function send(message) {
  if (process.connected) process.send(message);
}

function describeError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: String(error.stack ?? '').split('\n'),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

function loadHandler() {
  const [moduleName, ...names] = String(process.env._HANDLER).split('.');
  const root = process.env.LAMBDA_TASK_ROOT;
  const loaded = require(path.join(root, moduleName));
  let handler = loaded;
  for (const name of names) handler = handler?.[name];
  if (typeof handler !== 'function') {
    const error = new Error(`${process.env._HANDLER} is undefined or not exported`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return handler;
}

function contextFor(message) {
  const env = process.env;
  let callbackWaitsForEmptyEventLoop = true;
  return {
    awsRequestId: message.requestId,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - time.now()),
    get callbackWaitsForEmptyEventLoop() {
      return callbackWaitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      callbackWaitsForEmptyEventLoop = value;
    },
    done: () => undefined,
    succeed: () => undefined,
    fail: () => undefined,
  };
}

/** Calls the handler, async or callback style, and settles with its result. */
function call(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error, result) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(result);
    };
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

async function invoke(handler, message) {
  running = message.id;
  process.env._X_AMZN_TRACE_ID = message.traceId;
  try {
    const payload = await call(handler, message.event, contextFor(message));
    send({ t: 'result', id: message.id, ok: true, payload: payload === undefined ? null : payload });
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'ERROR',
        message: 'Invoke Error',
        requestId: message.requestId,
        ...describeError(error),
      }),
    );
    send({ t: 'result', id: message.id, ok: false, error: describeError(error) });
  } finally {
    running = undefined;
    delete process.env._X_AMZN_TRACE_ID;
  }
}

function probe(seq) {
  const busy = process.getActiveResourcesInfo().filter((type) => !IDLE_RESOURCES.has(type));
  const nextDue = time.nextDue();
  const quiescent = running !== undefined && busy.length === 0 && nextDue > time.now() + IMMINENT_MS;
  if (quiescent) time.park();
  send({ t: 'probe', seq, quiescent, nextDue: Number.isFinite(nextDue) ? nextDue : null, busy });
}

let handler;
process.on('message', (message) => {
  switch (message.t) {
    case 'invoke':
      time.advance(message.offset);
      void invoke(handler, message);
      return;
    case 'probe':
      // After the microtasks and immediates that an earlier message (an advance) set off.
      setImmediate(() => probe(message.seq));
      return;
    case 'advance':
      time.advance(message.offset);
      return;
    case 'resume':
      time.advance(0);
      return;
  }
});
const started = time.realNow();
try {
  handler = loadHandler();
  send({ t: 'ready', initMs: time.realNow() - started });
} catch (error) {
  console.error(JSON.stringify({ level: 'ERROR', message: 'Init Error', ...describeError(error) }));
  send({ t: 'init-error', error: describeError(error) });
}
