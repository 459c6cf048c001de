import type {
  CreateInstanceBody,
  InstanceBody,
  InstanceListBody,
  UpdateInstanceBody,
} from '../monitor/instances/instances.schema.js';
import { pathOf, type VigilHttp } from './http.js';

export type { InstanceBody };

/** `/v1/instances`: monitoring instances of the caller's account. */
export class InstancesClient {
  constructor(private readonly http: VigilHttp) {}

  async list(): Promise<InstanceBody[]> {
    return (await this.http.get<InstanceListBody>('/v1/instances')).instances;
  }

  get(guid: string): Promise<InstanceBody> {
    return this.http.get<InstanceBody>(`/v1/instances/${pathOf(guid)}`);
  }

  create(body: CreateInstanceBody): Promise<InstanceBody> {
    return this.http.post<InstanceBody>('/v1/instances', { body });
  }

  update(guid: string, body: UpdateInstanceBody): Promise<InstanceBody> {
    return this.http.patch<InstanceBody>(`/v1/instances/${pathOf(guid)}`, { body });
  }

  delete(guid: string): Promise<void> {
    return this.http.delete(`/v1/instances/${pathOf(guid)}`);
  }
}
