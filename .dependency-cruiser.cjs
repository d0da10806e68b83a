/**
 * The layer rules of docs/architecture.md ("Layers and the dependency rule"), checked by
 * dependency-cruiser in `npm run lint`. Layers are paths, so a file is in a layer by where it
 * lives, whatever it imports.
 * Each rule's `comment` is the message a violation prints: it says where the code belongs instead.
 * test/architecture/dependency-rule.test.ts proves that every rule rejects the edge it is about.
 */
const { builtinModules } = require('node:module');

const core = '^functions/core/';
const adapters = '^functions/adapters/';
const handlers = '^functions/handlers/';
const shared = '^functions/shared/';
/** The parts of functions/shared that are as pure as core: the config schema and the error classes. */
const pureShared = '^functions/shared/(config/|errors[.]ts$)';
/** The libraries the platform's services import: npm workspaces under packages/. */
const libraries = '^(functions/libraries|packages)/';
const cdkApp = '^lib/';
const entryPoints = '^bin/';

const nodeBuiltins = `^(node:)?(${builtinModules.map((name) => name.replace(/[/]/g, '[/]')).join('|')})$`;
/** What a Lambda needs at run time and `cdk synth` must never load. */
const runtimePackages =
  '^node_modules/(@aws-sdk|@smithy|@middy|@aws-lambda-powertools|pg|redis|@redis|ioredis|libpg-query)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-the-domain',
      severity: 'error',
      comment:
        'functions/core is the pure domain: it imports functions/core, functions/shared/config, ' +
        'functions/shared/errors.ts, zod and re2js (linear-time regular expressions, no I/O), nothing else. ' +
        'Declare a port in the engine folder under ' +
        'functions/core and implement it in functions/adapters; a handler in functions/handlers wires the two.',
      from: { path: core },
      to: { pathNot: [core, pureShared, '^node_modules/(zod|re2js)/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'core-does-no-io',
      severity: 'error',
      comment:
        'functions/core does no I/O: it may not reach a Node built-in (fs, net, http, https, tls, dns, ' +
        'child_process, ...), directly or through what it imports. Files, sockets and processes belong ' +
        'in functions/adapters behind a port; the clock and randomness come in as arguments.',
      from: { path: core },
      to: { path: nodeBuiltins, reachable: true },
    },
    {
      name: 'adapters-do-not-import-handlers',
      severity: 'error',
      comment:
        'functions/adapters implement the ports functions/core declares and are wired by a handler; ' +
        'an adapter never imports functions/handlers.',
      from: { path: adapters },
      to: { path: handlers },
    },
    {
      name: 'adapters-take-their-logger-and-settings',
      severity: 'error',
      comment:
        'An adapter receives its logger, metrics and settings as arguments: only a handler builds the ' +
        'Powertools objects (functions/shared/powertools.ts) and reads the environment (functions/shared/env.ts).',
      from: { path: adapters },
      to: { path: '^functions/shared/(powertools|env)[.]ts$' },
    },
    {
      name: 'handlers-do-not-import-each-other',
      severity: 'error',
      comment:
        'Each folder under functions/handlers is one Lambda bundle. Share code through functions/core, ' +
        'functions/adapters or functions/shared, never by importing another handler.',
      from: { path: '^functions/handlers/([^/]+)/' },
      to: { path: handlers, pathNot: '^functions/handlers/$1/' },
    },
    {
      name: 'shared-imports-no-layer',
      severity: 'error',
      comment:
        'functions/shared (config, errors, env, Powertools) sits under every layer, so it imports none of ' +
        'them: move the code that needs core, an adapter or a handler into that layer. A library package ' +
        'is a dependency like any other npm package: shared may import its published build by name (the ' +
        "config schema takes the ALB's algorithm names from @misybot-ha/balancing), never its sources.",
      from: { path: shared },
      to: { path: [core, adapters, handlers, libraries], pathNot: '^packages/[^/]+/dist/' },
    },
    {
      name: 'libraries-stand-alone',
      severity: 'error',
      comment:
        "A library is published on its own for the platform's services (package.json exports): it imports " +
        'none of the platform code in functions/core, functions/adapters, functions/handlers or ' +
        'functions/shared. Declare the type it needs in the library itself.',
      from: { path: libraries },
      to: { path: [core, adapters, handlers, shared] },
    },
    {
      name: 'functions-do-not-import-the-app',
      severity: 'error',
      comment:
        'Lambda code and libraries never import the CDK app (lib) or the CLI (bin): those compose the ' +
        'functions, not the other way round.',
      from: { path: `^functions/|${libraries}` },
      to: { path: [cdkApp, entryPoints] },
    },
    {
      name: 'cdk-app-imports-only-config-and-contracts',
      severity: 'error',
      comment:
        'lib describes infrastructure: it reads functions/shared/config and the contracts functions/core ' +
        'publishes for the functions it deploys (settings schemas, the route table, metric names). It never ' +
        'imports Lambda runtime code: a construct points a NodejsFunction at a handler by its path.',
      from: { path: cdkApp },
      to: { path: [adapters, handlers, libraries, shared, entryPoints], pathNot: pureShared },
    },
    {
      name: 'platform-constructs-know-no-control-plane',
      severity: 'error',
      comment:
        'lib/platform is the edge and data tier the control plane watches and acts on: its constructs take ' +
        'what they need (a topic, a security group) as props and import nothing of lib/control-plane or ' +
        'lib/observability. Compose the two in lib/platform-stack.ts.',
      from: { path: '^lib/platform/' },
      to: { path: '^lib/(control-plane|observability)/' },
    },
    {
      name: 'cdk-app-loads-no-runtime-package',
      severity: 'error',
      comment:
        'cdk synth must not load what only a Lambda needs (AWS SDK, middy, Powertools, pg, redis, ioredis, ' +
        'libpg-query), directly or through functions/core or functions/shared/config.',
      from: { path: cdkApp },
      to: { path: runtimePackages, reachable: true },
    },
    {
      name: 'the-product-does-not-import-local',
      severity: 'error',
      comment:
        'local/ is the platform run on one machine (the emulated account, the demo fleet, the status ' +
        'page): it is built on the product, never the other way round. functions, lib, services and the ' +
        'libraries never import it; only bin (npm start) and the tests do.',
      from: { path: '^(functions|lib|services|packages)/' },
      to: { path: '^local/' },
    },
    {
      name: 'only-bin-reads-the-config-file',
      severity: 'error',
      comment:
        'Only the entry points in bin read the configuration file (functions/shared/config/load-file.ts); ' +
        'constructs and Lambdas receive the typed settings they need.',
      from: { pathNot: entryPoints },
      to: { path: '^functions/shared/config/load-file[.]ts$' },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API; swc parses TypeScript, `import type` included.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)(test|bench|cdk[.]out|coverage)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'import'],
      mainFields: ['main', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
