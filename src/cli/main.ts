#!/usr/bin/env node
import { processIo } from './io.js';
import { COMMANDS } from './registry.js';
import { runCli } from './run.js';

// The entry point of `vigil`: the only place that touches the real process.
const status = await runCli(process.argv.slice(2), processIo(), COMMANDS);
process.exitCode = status;
