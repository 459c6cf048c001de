import type {
  PolicyBody,
  PolicyListQuery,
  PolicyListWire,
  PolicyWire,
  RoleListWire,
} from '../iam/policies/policies.schema.js';
import { pathOf, type VigilHttp } from './http.js';

export type { PolicyBody, PolicyWire, RoleListWire };

/** A policy with its version: the `ETag` the API returns, to send as `If-Match` when replacing it. */
export interface VersionedPolicy {
  readonly policy: PolicyWire;
  readonly etag: string;
}

export interface ListPoliciesOptions {
  /** The caller's account (the API requires it). */
  readonly accountId: string;
  /** Policies of this user or service ID. */
  readonly iamId?: string;
  readonly type?: PolicyListQuery['type'];
  readonly state?: PolicyListQuery['state'];
}

/** `/v1/policies` (IBM's Policy Management API) and the role catalog, `/v2/roles`. Lists follow every page. */
export class PoliciesClient {
  constructor(private readonly http: VigilHttp) {}

  async list(options: ListPoliciesOptions): Promise<PolicyWire[]> {
    const policies: PolicyWire[] = [];
    let start: string | undefined;
    do {
      const page = await this.http.get<PolicyListWire>('/v1/policies', {
        query: {
          account_id: options.accountId,
          iam_id: options.iamId,
          type: options.type,
          state: options.state,
          limit: 100,
          start,
        },
      });
      policies.push(...page.policies);
      start = page.next?.start;
    } while (start);
    return policies;
  }

  async get(id: string): Promise<VersionedPolicy> {
    const response = await this.http.request<PolicyWire>('GET', `/v1/policies/${pathOf(id)}`);
    return { policy: response.body, etag: response.headers.get('etag') ?? '' };
  }

  async create(body: PolicyBody): Promise<VersionedPolicy> {
    const response = await this.http.request<PolicyWire>('POST', '/v1/policies', { body });
    return { policy: response.body, etag: response.headers.get('etag') ?? '' };
  }

  delete(id: string): Promise<void> {
    return this.http.delete(`/v1/policies/${pathOf(id)}`);
  }

  /** The platform and service roles that mean something on `serviceName` (every service vigil knows without it). */
  roles(serviceName?: string): Promise<RoleListWire> {
    return this.http.get<RoleListWire>('/v2/roles', { query: { service_name: serviceName } });
  }
}
