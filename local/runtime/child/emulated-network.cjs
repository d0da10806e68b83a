'use strict';
/**
 * The network an emulated Lambda sees (runs under Node 24, not transpiled). Names the platform
 * serves locally (the public endpoint, the RDS Proxy and ElastiCache endpoints, the chat
 * webhooks) connect to the loopback port standing in for them; TLS still verifies the original
 * name, against the local CA in NODE_EXTRA_CA_CERTS. Any other name fails at once, as a lookup
 * with no record does, instead of waiting on a network the machine does not have.
 */

const net = require('node:net');
const dns = require('node:dns');
const dnsPromises = require('node:dns/promises');

/** @type {Map<string, {host: string, port: number}>} `name:port` → loopback address. */
let routes = new Map();

function isLocal(host) {
  return host === undefined || host === 'localhost' || net.isIP(host) !== 0;
}

function notFound(host) {
  const error = new Error(`getaddrinfo ENOTFOUND ${host} (not served by the emulated network)`);
  error.code = 'ENOTFOUND';
  error.syscall = 'getaddrinfo';
  error.hostname = host;
  return error;
}

/** Rewrites the target of a TCP connect; returns the options to use, or an error. */
function route(options) {
  const host = options.host ?? 'localhost';
  const port = Number(options.port);
  if (isLocal(host)) return options;
  const target = routes.get(`${host.toLowerCase()}:${port}`);
  if (!target) return notFound(host);
  return { ...options, host: target.host, port: target.port };
}

function install(initialRoutes) {
  routes = new Map(Object.entries(initialRoutes));
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function emulatedConnect(...args) {
    const first = args[0];
    // net.connect() hands its normalized arguments over as one array: the options are its first item.
    const normalized = Array.isArray(first);
    const options = normalized ? first[0] : first;
    if (options === null || typeof options !== 'object') {
      if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
        const portOptions = { port: Number(first), host: typeof args[1] === 'string' ? args[1] : undefined };
        const listener = args.find((arg) => typeof arg === 'function');
        return emulatedConnect.call(this, portOptions, ...(listener ? [listener] : []));
      }
      return connect.apply(this, args);
    }
    // A string path is a Unix socket (IPC); HTTP requests carry `path: null` here.
    if (typeof options.path === 'string' && options.path !== '') return connect.apply(this, args);
    const routed = route(options);
    if (routed instanceof Error) {
      process.nextTick(() => this.destroy(routed));
      return this;
    }
    if (normalized) {
      first[0] = routed;
      return connect.apply(this, args);
    }
    return connect.call(this, routed, ...args.slice(1));
  };
  const served = (hostname) =>
    [...routes.keys()].some((key) => key.startsWith(`${String(hostname).toLowerCase()}:`));
  const lookup = dns.lookup;
  dns.lookup = function emulatedLookup(hostname, options, callback) {
    const done = typeof options === 'function' ? options : callback;
    if (isLocal(hostname)) return lookup.call(dns, hostname, options, callback);
    if (served(hostname)) return lookup.call(dns, '127.0.0.1', options, callback);
    process.nextTick(() => done(notFound(hostname)));
    return {};
  };
  // A name served locally resolves to its own name's route at connect time; the address only
  // has to be loopback. Clients that resolve first (node-redis) get it through the promise API.
  const promisesLookup = dnsPromises.lookup;
  const emulatedPromisesLookup = (hostname, options) => {
    if (isLocal(hostname)) return promisesLookup.call(dnsPromises, hostname, options);
    if (served(hostname)) return promisesLookup.call(dnsPromises, '127.0.0.1', options);
    return Promise.reject(notFound(hostname));
  };
  dnsPromises.lookup = emulatedPromisesLookup;
  dns.promises.lookup = emulatedPromisesLookup;
}

module.exports = { install };
