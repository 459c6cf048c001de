import type {
  InviteBody,
  LightUserList,
  MonitorUserBody,
  MonitorUserDetailBody,
  UserEnvelope,
  UserList,
} from '../monitor/users/monitor-users.schema.js';
import { pathOf, type VigilHttp } from './http.js';

export type { MonitorUserBody, MonitorUserDetailBody };
export type LightUserBody = LightUserList['users'][number];

/** Sysdig's `/api/users` and `/api/user/me` in the targeted monitoring instance. */
export class MonitorUsersClient {
  constructor(private readonly http: VigilHttp) {}

  /** The caller's Monitor user; `currentTeam` is the team the call acted in. */
  async me(): Promise<MonitorUserDetailBody> {
    return (await this.http.get<UserEnvelope>('/api/user/me')).user;
  }

  async list(): Promise<MonitorUserBody[]> {
    return (await this.http.get<UserList>('/api/users')).users;
  }

  async light(): Promise<LightUserBody[]> {
    return (await this.http.get<LightUserList>('/api/users/light')).users;
  }

  /** A user by Monitor id or username (email); 404 for one not provisioned (or invited) in this instance. */
  async get(idOrUsername: number | string): Promise<MonitorUserDetailBody> {
    return (await this.http.get<UserEnvelope>(`/api/users/${pathOf(idOrUsername)}`)).user;
  }

  /** `POST /api/users`: a pending user, linked to the IAM identity with that email on its first call. */
  async invite(body: InviteBody): Promise<MonitorUserDetailBody> {
    return (await this.http.post<UserEnvelope>('/api/users', { body })).user;
  }
}
