import type { IamContext } from '../context.js';

// Placeholder: being written in this session.
export class ServiceIdsService {
  constructor(readonly ctx: IamContext) {}
}
