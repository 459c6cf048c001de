import type { IamContext } from '../context.js';

// Placeholder: being written in this session.
export class PoliciesService {
  constructor(readonly ctx: IamContext) {}
}
