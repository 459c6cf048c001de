import type { MonitorContext } from '../context.js';

// Placeholder: being written in this session.
export class MonitorTokensService {
  constructor(readonly ctx: MonitorContext) {}
}
