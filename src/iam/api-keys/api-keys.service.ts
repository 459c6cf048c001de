import type { IamContext } from '../context.js';

// Placeholder: being written in this session.
export class ApiKeysService {
  constructor(readonly ctx: IamContext) {}
}
