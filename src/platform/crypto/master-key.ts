import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The master key: VIGIL_MASTER_KEY when set, else `master.key` in the data directory, created on first start with
 * mode 0600 and never recreated (losing it makes every stored secret unreadable).
 */
export function loadOrCreateMasterKey(
  configured: Buffer | undefined,
  dataDir: string,
): { key: Buffer; created: boolean } {
  if (configured) return { key: configured, created: false };
  const file = path.join(dataDir, 'master.key');
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return { key, created: false };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
  return { key, created: true };
}
