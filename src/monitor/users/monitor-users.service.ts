import type { MonitorContext } from '../context.js';

// Placeholder: being written in this session.
export class MonitorUsersService {
  constructor(readonly ctx: MonitorContext) {}
}
