#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx misybot-ha` works right after `npm ci`.
require('tsx/cjs');
require('./misybot-ha.ts');
