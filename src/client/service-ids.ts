import type {
  CreateServiceIdBody,
  ServiceIdBody,
  ServiceIdListBody,
  UpdateServiceIdBody,
} from '../iam/service-ids/service-ids.schema.js';
import { pageTokenOf, pathOf, type VigilHttp } from './http.js';

export type { ServiceIdBody };

export interface ListServiceIdsOptions {
  /** Only the service IDs with exactly this name (the API's own filter). */
  readonly name?: string;
}

/** `/v1/serviceids`: the service IDs of the caller's account. Lists follow every page. */
export class ServiceIdsClient {
  constructor(private readonly http: VigilHttp) {}

  /** Every page is asked with the same filters: the page token carries only an offset. */
  async list(accountId: string, options: ListServiceIdsOptions = {}): Promise<ServiceIdBody[]> {
    const serviceIds: ServiceIdBody[] = [];
    let pagetoken: string | undefined;
    do {
      const page = await this.http.get<ServiceIdListBody>('/v1/serviceids', {
        query: { account_id: accountId, name: options.name, pagesize: 100, pagetoken },
      });
      serviceIds.push(...page.serviceids);
      pagetoken = pageTokenOf(page.next);
    } while (pagetoken);
    return serviceIds;
  }

  get(id: string, options: { activity?: boolean } = {}): Promise<ServiceIdBody> {
    return this.http.get<ServiceIdBody>(`/v1/serviceids/${pathOf(id)}`, {
      query: { include_activity: options.activity ? true : undefined },
    });
  }

  create(body: CreateServiceIdBody, options: { lock?: boolean } = {}): Promise<ServiceIdBody> {
    return this.http.post<ServiceIdBody>('/v1/serviceids', {
      body,
      headers: options.lock ? { 'entity-lock': 'true' } : {},
    });
  }

  /** Reads the service ID's current entity_tag, then updates it with If-Match. */
  async update(id: string, changes: UpdateServiceIdBody): Promise<ServiceIdBody> {
    const current = await this.get(id);
    return this.http.put<ServiceIdBody>(`/v1/serviceids/${pathOf(id)}`, {
      body: changes,
      headers: { 'if-match': current.entity_tag },
    });
  }

  /** Deletes its API keys and policies too. */
  delete(id: string): Promise<void> {
    return this.http.delete(`/v1/serviceids/${pathOf(id)}`);
  }

  async lock(id: string): Promise<void> {
    await this.http.post<unknown>(`/v1/serviceids/${pathOf(id)}/lock`);
  }

  unlock(id: string): Promise<void> {
    return this.http.delete(`/v1/serviceids/${pathOf(id)}/lock`);
  }
}
