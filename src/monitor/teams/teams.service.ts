import type { MonitorContext } from '../context.js';

// Placeholder: being written in this session.
export class TeamsService {
  constructor(readonly ctx: MonitorContext) {}
}
