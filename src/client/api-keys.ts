import type {
  ApiKeyBody,
  ApiKeyListBody,
  CreateApiKeyBody,
  UpdateApiKeyBody,
} from '../iam/api-keys/api-keys.schema.js';
import { pageTokenOf, pathOf, type VigilHttp } from './http.js';

export type { ApiKeyBody };

export interface ListApiKeysOptions {
  /** Whose keys: a user's or a service ID's iam_id; default the caller's. */
  readonly iamId?: string;
  /** Every key of the account (administrators). */
  readonly wholeAccount?: boolean;
  /** Add each key's last use and use count. */
  readonly activity?: boolean;
}

/** `/v1/apikeys`. Lists follow every page. */
export class ApiKeysClient {
  constructor(private readonly http: VigilHttp) {}

  async list(options: ListApiKeysOptions = {}): Promise<ApiKeyBody[]> {
    const keys: ApiKeyBody[] = [];
    let pagetoken: string | undefined;
    do {
      const page = await this.http.get<ApiKeyListBody>('/v1/apikeys', {
        query: {
          iam_id: options.iamId,
          scope: options.wholeAccount ? 'account' : undefined,
          pagesize: 100,
          pagetoken,
          include_activity: options.activity ? true : undefined,
        },
      });
      keys.push(...page.apikeys);
      pagetoken = pageTokenOf(page.next);
    } while (pagetoken);
    return keys;
  }

  get(id: string, options: { activity?: boolean } = {}): Promise<ApiKeyBody> {
    return this.http.get<ApiKeyBody>(`/v1/apikeys/${pathOf(id)}`, {
      query: { include_activity: options.activity ? true : undefined },
    });
  }

  create(body: CreateApiKeyBody, options: { lock?: boolean } = {}): Promise<ApiKeyBody> {
    return this.http.post<ApiKeyBody>('/v1/apikeys', {
      body,
      headers: options.lock ? { 'entity-lock': 'true' } : {},
    });
  }

  /** Reads the key's current entity_tag, then updates it with If-Match. */
  async update(id: string, changes: UpdateApiKeyBody): Promise<ApiKeyBody> {
    const current = await this.get(id);
    return this.http.put<ApiKeyBody>(`/v1/apikeys/${pathOf(id)}`, {
      body: changes,
      headers: { 'if-match': current.entity_tag },
    });
  }

  delete(id: string): Promise<void> {
    return this.http.delete(`/v1/apikeys/${pathOf(id)}`);
  }

  async lock(id: string): Promise<void> {
    await this.http.post<unknown>(`/v1/apikeys/${pathOf(id)}/lock`);
  }

  unlock(id: string): Promise<void> {
    return this.http.delete(`/v1/apikeys/${pathOf(id)}/lock`);
  }

  async disable(id: string): Promise<void> {
    await this.http.post<unknown>(`/v1/apikeys/${pathOf(id)}/disable`);
  }

  enable(id: string): Promise<void> {
    return this.http.delete(`/v1/apikeys/${pathOf(id)}/disable`);
  }
}
