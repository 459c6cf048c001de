/** A policy attribute, as IBM's API carries it (extra keys are kept verbatim). */
export interface PolicyAttribute {
  name: string;
  value: unknown;
  operator?: string;
  [extra: string]: unknown;
}

export interface PolicySubject {
  attributes: PolicyAttribute[];
  [extra: string]: unknown;
}

export interface PolicyResource {
  attributes: PolicyAttribute[];
  tags?: { name: string; value: string; operator?: string }[];
  [extra: string]: unknown;
}

export interface PolicyRole {
  role_id: string;
  display_name?: string;
  description?: string;
  [extra: string]: unknown;
}

/** The parts of a stored policy the decision function reads. */
export interface PolicyGrant {
  readonly id: string;
  readonly roles: readonly PolicyRole[];
  readonly resources: readonly PolicyResource[];
}
