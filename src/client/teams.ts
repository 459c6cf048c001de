import type {
  CreateTeamBody,
  LightTeamBody,
  TeamBody,
  TeamEnvelope,
  TeamList,
  UpdateTeamBody,
} from '../monitor/teams/teams.schema.js';
import { pathOf, type VigilHttp } from './http.js';

export type { LightTeamBody, TeamBody };

/** Sysdig's `/api/teams` in the targeted monitoring instance (an IAM token with `IBMInstanceID`). */
export class TeamsClient {
  constructor(private readonly http: VigilHttp) {}

  async list(): Promise<TeamBody[]> {
    return (await this.http.get<TeamList>('/api/teams')).teams;
  }

  async get(id: number): Promise<TeamBody> {
    return (await this.http.get<TeamEnvelope>(`/api/teams/${pathOf(id)}`)).team;
  }

  /** `GET /api/v2/teams/light/name/{name}`: a team the caller can see, by its exact name (404 when none). */
  async getByName(name: string): Promise<LightTeamBody> {
    return (await this.http.get<{ team: LightTeamBody }>(`/api/v2/teams/light/name/${pathOf(name)}`)).team;
  }

  async create(body: CreateTeamBody): Promise<TeamBody> {
    return (await this.http.post<TeamEnvelope>('/api/teams', { body })).team;
  }

  /** PUT: `body.version` must be the version read; `userRoles`, when given, is the complete list of memberships. */
  async update(id: number, body: UpdateTeamBody): Promise<TeamBody> {
    return (await this.http.put<TeamEnvelope>(`/api/teams/${pathOf(id)}`, { body })).team;
  }

  delete(id: number): Promise<void> {
    return this.http.delete(`/api/teams/${pathOf(id)}`);
  }
}
