/** An instance's settings, stored as JSON. */
export interface InstanceSettings {
  /** `IAM_ONLY` refuses Monitor API tokens everywhere in the instance (IBM's `external_api_auth`). */
  externalApiAuth: 'ANY' | 'IAM_ONLY';
}

export const DEFAULT_INSTANCE_SETTINGS: InstanceSettings = { externalApiAuth: 'ANY' };

export function parseInstanceSettings(json: string): InstanceSettings {
  const value = JSON.parse(json) as Partial<InstanceSettings>;
  return { externalApiAuth: value.externalApiAuth === 'IAM_ONLY' ? 'IAM_ONLY' : 'ANY' };
}
