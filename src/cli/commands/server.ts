import { defineCommand } from '../command.js';

export const server = defineCommand({
  name: 'server',
  summary: 'Run the vigil server (what `npm start` runs); configured by VIGIL_* variables',
  details: 'See docs/CONFIGURATION.md for the variables (VIGIL_PORT, VIGIL_DATA_DIR, VIGIL_DATABASE_URL…).',
  async run(ctx) {
    // Loaded only here, so that every other command starts without the server's modules.
    const { startServer } = await import('../../server.js');
    await startServer(ctx.io.env);
  },
});
