import { createHash } from 'node:crypto';
import type { Random } from '../platform/crypto/random.js';

/** Identifier formats of IBM Cloud IAM (reference/ibm-iam.md §2). */
export const ids = {
  account: (random: Random) => random.bytes(16).toString('hex'),
  user: (random: Random) => `IBMid-${random.bytes(5).toString('hex').toUpperCase()}`,
  apiKey: (random: Random) => `ApiKey-${random.uuid()}`,
  serviceId: (random: Random) => `ServiceId-${random.uuid()}`,
  serviceIdIamId: (serviceId: string) => `iam-${serviceId}`,
  policy: (random: Random) => random.uuid(),
} as const;

export function apiKeyCrn(accountId: string, id: string): string {
  return `crn:v1:bluemix:public:iam-identity::a/${accountId}::apikey:${id}`;
}

export function serviceIdCrn(accountId: string, id: string): string {
  return `crn:v1:bluemix:public:iam-identity::a/${accountId}::serviceid:${id}`;
}

/** IBM's `entity_tag`: the version and a digest of it, `"<version>-<32 hex>"`. */
export function entityTag(version: number, id: string, modifiedAt: string): string {
  // A keyed-free digest is enough: the tag only detects change, it grants nothing.
  return `${version}-${hashHex(`${id}|${version}|${modifiedAt}`)}`;
}

function hashHex(value: string): string {
  return createHash('md5').update(value).digest('hex');
}
