import type { IamContext } from '../context.js';

// Placeholder: being written in this session.
export class UsersService {
  constructor(readonly ctx: IamContext) {}
}
