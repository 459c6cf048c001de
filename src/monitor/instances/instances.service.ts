import type { MonitorContext } from '../context.js';

// Placeholder: being written in this session.
export class InstancesService {
  constructor(readonly ctx: MonitorContext) {}
}
