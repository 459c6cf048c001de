import type { IamContext } from '../context.js';
import type { AccessTokens } from './access-tokens.js';

// Placeholder: being written in this session.
export class TokenService {
  constructor(
    readonly ctx: IamContext,
    readonly accessTokens: AccessTokens,
  ) {}
}
