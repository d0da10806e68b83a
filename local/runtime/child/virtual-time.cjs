'use strict';
/**
 * Virtual time inside one emulated Lambda execution environment (runs under Node 24, not
 * transpiled). The platform's clock is real time plus an offset that only grows: the driver
 * jumps it forward while every running invocation is waiting on a timer and nothing else, so a
 * health run's 10-second rounds or a failover's polling cost no real time. `Date` and the
 * JavaScript timers follow the offset; Node's own I/O timers (socket and request timeouts) stay
 * real, and a jump never happens while I/O is in flight, so they cannot fire early.
 */

const timersModule = require('node:timers');
const timersPromises = require('node:timers/promises');

const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
};

let offset = 0;
let parked = false;
let nextId = 1;
/** @type {Map<number, VirtualTimer>} */
const pending = new Map();

function now() {
  return realNow() + offset;
}

function VirtualDate(...args) {
  if (!new.target) return new RealDate(now()).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
}
Object.setPrototypeOf(VirtualDate, RealDate);
VirtualDate.prototype = RealDate.prototype;
VirtualDate.now = now;
VirtualDate.parse = RealDate.parse;
VirtualDate.UTC = RealDate.UTC;

/** A timer on the virtual clock, shaped like Node's `Timeout` (ref, unref, refresh, close, id). */
class VirtualTimer {
  constructor(callback, delay, args, repeat) {
    this.id = nextId++;
    this.callback = callback;
    this.args = args;
    this.delay = Math.max(1, Number.isFinite(delay) ? delay : 1);
    this.repeat = repeat;
    this.due = now() + this.delay;
    this.referenced = true;
    this.handle = undefined;
    pending.set(this.id, this);
    arm(this);
  }
  ref() {
    this.referenced = true;
    this.handle?.ref();
    return this;
  }
  unref() {
    this.referenced = false;
    this.handle?.unref();
    return this;
  }
  hasRef() {
    return this.referenced;
  }
  refresh() {
    this.due = now() + this.delay;
    if (!pending.has(this.id)) pending.set(this.id, this);
    arm(this);
    return this;
  }
  close() {
    cancel(this);
    return this;
  }
  [Symbol.toPrimitive]() {
    return this.id;
  }
}

function arm(timer) {
  if (timer.handle) real.clearTimeout(timer.handle);
  timer.handle = undefined;
  if (parked) return;
  timer.handle = real.setTimeout(() => fire(timer), Math.max(0, timer.due - now()));
  if (!timer.referenced) timer.handle.unref();
}

function cancel(timer) {
  if (timer.handle) real.clearTimeout(timer.handle);
  timer.handle = undefined;
  pending.delete(timer.id);
}

function fire(timer) {
  timer.handle = undefined;
  if (!pending.has(timer.id)) return;
  if (timer.repeat) {
    timer.due = Math.max(timer.due + timer.delay, now());
    arm(timer);
  } else {
    pending.delete(timer.id);
  }
  timer.callback(...timer.args);
}

function lookup(handle) {
  if (handle instanceof VirtualTimer) return handle;
  if (typeof handle === 'number' || typeof handle === 'string') return pending.get(Number(handle));
  return undefined;
}

function setTimeout(callback, delay, ...args) {
  if (typeof callback !== 'function') return real.setTimeout(callback, delay, ...args);
  return new VirtualTimer(callback, delay, args, false);
}
function setInterval(callback, delay, ...args) {
  if (typeof callback !== 'function') return real.setInterval(callback, delay, ...args);
  return new VirtualTimer(callback, delay, args, true);
}
function clearTimeout(handle) {
  const timer = lookup(handle);
  if (timer) cancel(timer);
  else if (handle !== undefined && handle !== null) real.clearTimeout(handle);
}

function sleep(delay, value, options = {}) {
  return new Promise((resolve, reject) => {
    const signal = options.signal;
    if (signal?.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    }, delay);
    if (options.ref === false) timer.unref();
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The earliest virtual time a pending timer fires, or Infinity. */
function nextDue() {
  let earliest = Number.POSITIVE_INFINITY;
  for (const timer of pending.values()) if (timer.due < earliest) earliest = timer.due;
  return earliest;
}

/** Stops the real timers, so nothing but a message from the driver can wake this process. */
function park() {
  parked = true;
  for (const timer of pending.values()) {
    if (timer.handle) real.clearTimeout(timer.handle);
    timer.handle = undefined;
  }
}

/** Moves the clock to `newOffset` (never back) and fires every timer now due, oldest first. */
function advance(newOffset) {
  offset = Math.max(offset, newOffset);
  parked = false;
  const due = [...pending.values()].filter((timer) => timer.due <= now()).sort((a, b) => a.due - b.due);
  for (const timer of pending.values()) if (!due.includes(timer)) arm(timer);
  for (const timer of due) fire(timer);
}

function install(initialOffset) {
  offset = initialOffset;
  globalThis.Date = VirtualDate;
  globalThis.setTimeout = setTimeout;
  globalThis.setInterval = setInterval;
  globalThis.clearTimeout = clearTimeout;
  globalThis.clearInterval = clearTimeout;
  timersModule.setTimeout = setTimeout;
  timersModule.setInterval = setInterval;
  timersModule.clearTimeout = clearTimeout;
  timersModule.clearInterval = clearTimeout;
  timersPromises.setTimeout = sleep;
  // AbortSignal.timeout is a deadline: virtual too, so a jump past it aborts what waited on it.
  AbortSignal.timeout = (delay) => {
    const controller = new AbortController();
    setTimeout(
      () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      delay,
    ).unref();
    return controller.signal;
  };
}

module.exports = { install, now, nextDue, park, advance, realNow };
