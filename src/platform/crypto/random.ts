import { randomBytes, randomUUID } from 'node:crypto';

/** The source of randomness for ids and secrets; tests may pass a seeded one. */
export interface Random {
  bytes(size: number): Buffer;
  uuid(): string;
}

export const cryptoRandom: Random = { bytes: (size) => randomBytes(size), uuid: () => randomUUID() };
