import type { TokenResponse } from '../monitor/tokens/monitor-tokens.schema.js';
import { pathOf, type VigilHttp } from './http.js';

export type { TokenResponse as MonitorTokenBody };

/** A member's token in a team: their username (email) and the team id. */
export interface TokenOwner {
  readonly username: string;
  readonly teamId: number;
}

/** `/api/token…`: Monitor API tokens, the caller's own (in the team the call acts in) or a member's. */
export class MonitorTokensClient {
  constructor(private readonly http: VigilHttp) {}

  /** The caller's token, or `owner`'s (administrators and the team's managers); created on first request. */
  get(owner?: TokenOwner): Promise<TokenResponse> {
    return this.http.get<TokenResponse>(owner ? `/api/token/${pathOf(owner.username, owner.teamId)}` : '/api/token');
  }

  /** A new value; the old one stops working at once, or after `graceSeconds`. */
  reset(options: { owner?: TokenOwner; graceSeconds?: number } = {}): Promise<TokenResponse> {
    const { owner, graceSeconds } = options;
    return this.http.post<TokenResponse>(
      owner ? `/api/token/${pathOf(owner.username, owner.teamId)}/reset` : '/api/token/reset',
      { body: graceSeconds === undefined ? {} : { graceSeconds } },
    );
  }
}
