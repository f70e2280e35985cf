#!/usr/bin/env node
// The `cloak` command. A committed launcher, so that npm can link the bin on a fresh clone before the
// TypeScript build has produced dist/ (npm links bins at install time, the build runs after).
await import('../dist/src/cli.js');
