import type { TokenResponse } from '../iam/tokens/token.schema.js';
import type { VigilHttp } from './http.js';

export type { TokenResponse };

/** The public OAuth client of IBM's CLI: with it the token endpoint returns a refresh token for every grant. */
const CLI_CLIENT = `Basic ${btoa('bx:bx')}`;

/** `POST /identity/token`: the three grants, as IBM's CLI sends them. */
export class IdentityClient {
  constructor(private readonly http: VigilHttp) {}

  passwordGrant(username: string, password: string): Promise<TokenResponse> {
    return this.grant({ grant_type: 'password', username, password });
  }

  apiKeyGrant(apikey: string): Promise<TokenResponse> {
    return this.grant({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey });
  }

  refreshGrant(refreshToken: string): Promise<TokenResponse> {
    return this.grant({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private grant(form: Record<string, string>): Promise<TokenResponse> {
    return this.http.post<TokenResponse>('/identity/token', {
      form: { ...form, response_type: 'cloud_iam' },
      headers: { authorization: CLI_CLIENT },
      anonymous: true,
    });
  }
}
