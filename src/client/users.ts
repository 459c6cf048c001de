import type { CreateUserBody, UserBody, UserListBody } from '../iam/users/users.schema.js';
import { pathOf, type VigilHttp } from './http.js';

export type { CreateUserBody, UserBody };

/** `/v1/users`: vigil's own API for the people of the caller's account. Lists follow every page. */
export class UsersClient {
  constructor(private readonly http: VigilHttp) {}

  async list(): Promise<UserBody[]> {
    const users: UserBody[] = [];
    let start: number | undefined;
    do {
      const page = await this.http.get<UserListBody>('/v1/users', { query: { limit: 100, start } });
      users.push(...page.users);
      start = startOf(page.next);
    } while (start !== undefined);
    return users;
  }

  get(iamId: string): Promise<UserBody> {
    return this.http.get<UserBody>(`/v1/users/${pathOf(iamId)}`);
  }

  me(): Promise<UserBody> {
    return this.http.get<UserBody>('/v1/users/me');
  }

  create(body: CreateUserBody): Promise<UserBody> {
    return this.http.post<UserBody>('/v1/users', { body });
  }

  /** Disables the user: their tokens and sessions stop working at once. */
  disable(iamId: string): Promise<void> {
    return this.http.post<void>(`/v1/users/${pathOf(iamId)}/disable`).then(() => undefined);
  }

  enable(iamId: string): Promise<void> {
    return this.http.delete(`/v1/users/${pathOf(iamId)}/disable`);
  }

  /** Ends a lock on the user's password sign-in (after too many wrong passwords) and forgets their failures. */
  unlockSignIn(iamId: string): Promise<void> {
    return this.http.delete(`/v1/users/${pathOf(iamId)}/signin-lock`);
  }

  /** Deletes the user with their API keys, refresh tokens and policies. */
  delete(iamId: string): Promise<void> {
    return this.http.delete(`/v1/users/${pathOf(iamId)}`);
  }
}

/** The `start` offset of a `next` link, so that paging follows our endpoint, not the server's public URL. */
function startOf(next: string | undefined): number | undefined {
  if (!next) return undefined;
  try {
    const start = new URL(next).searchParams.get('start');
    return start !== null && /^\d+$/.test(start) ? Number(start) : undefined;
  } catch {
    return undefined;
  }
}
