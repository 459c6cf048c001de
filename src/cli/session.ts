import fs from 'node:fs';
import path from 'node:path';
import type { CliIo } from './io.js';

/** The logged-in state, in `~/.vigil/config.json` (or `$VIGIL_HOME/config.json`), readable by its owner only. */
export interface Session {
  readonly endpoint: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Unix seconds: when the access token expires. */
  readonly expiresAt: number;
  readonly iamId: string;
  readonly accountId: string;
  /** The user's email, or the service ID's name or id for an API-key login of a service ID. */
  readonly user: string;
  readonly instance?: { readonly guid: string; readonly name: string };
  readonly team?: { readonly id: number; readonly name: string };
}

const FIELDS: (keyof Session)[] = [
  'endpoint',
  'accessToken',
  'refreshToken',
  'expiresAt',
  'iamId',
  'accountId',
  'user',
];

export class SessionStore {
  readonly directory: string;
  readonly file: string;

  constructor(io: CliIo) {
    const home = io.env['VIGIL_HOME'];
    this.directory = home ? path.resolve(io.cwd, home) : path.join(io.homeDir, '.vigil');
    this.file = path.join(this.directory, 'config.json');
  }

  /** The saved session; undefined when there is none or the file is not one of ours. */
  load(): Session | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const value = JSON.parse(text) as Partial<Session>;
      return FIELDS.every((field) => value[field] !== undefined) ? (value as Session) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Written to a temporary file with mode 0600 and renamed over the old one, so a crash never leaves half a file. */
  save(session: Session): void {
    fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
    fs.chmodSync(temporary, 0o600);
    fs.renameSync(temporary, this.file);
  }

  clear(): boolean {
    try {
      fs.unlinkSync(this.file);
      return true;
    } catch {
      return false;
    }
  }
}
