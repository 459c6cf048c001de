import { startServer } from './server.js';

// The only place that reads process.env: everything below receives the values.
startServer(process.env).catch((error: unknown) => {
  process.stderr.write(`vigil: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
