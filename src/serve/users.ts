// Who may use the server: users with hashed tokens in DATA/users.json. `earshot users` edits the file;
// the server reads it at start and again whenever it changes, so a token added or rotated from the
// command line works without a restart. Tokens are random, shown once, and stored only as SHA-256.
import { hash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../util/errors.js';

export interface UserRecord {
  readonly name: string;
  readonly admin: boolean;
  /** SHA-256 of the token, hex. */
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly rotatedAt?: string;
}

export interface User {
  readonly name: string;
  readonly admin: boolean;
}

export const usersPath = (dataDir: string): string => join(dataDir, 'users.json');

/** ListenBrainz user names: what we accept too (they appear in URLs). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

// One-shot crypto.hash: every authenticated request hashes its token (createHash().update().digest() cost ~3× as much).
export const hashToken = (token: string): string => hash('sha256', token, 'hex');

function newToken(): string {
  // 32 random bytes as a UUID-like hex string: the shape ListenBrainz tokens have, longer.
  return randomBytes(24).toString('hex');
}

export function readUsers(dataDir: string): UserRecord[] {
  const p = usersPath(dataDir);
  if (!existsSync(p)) return [];
  const parsed = JSON.parse(readFileSync(p, 'utf8')) as { users?: UserRecord[] };
  return parsed.users ?? [];
}

async function writeUsers(dataDir: string, users: readonly UserRecord[]): Promise<void> {
  const p = usersPath(dataDir);
  await mkdir(dirname(p), { recursive: true });
  const tmp = `${p}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ users }, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, p);
}

/** Adds a user and returns their token (shown once). */
export async function addUser(dataDir: string, name: string, admin: boolean): Promise<{ user: User; token: string }> {
  if (!NAME.test(name)) throw new UsageError(`user name "${name}" is not allowed`, { hint: 'use letters, digits, ".", "_" and "-" (up to 64), starting with a letter or digit' });
  const users = readUsers(dataDir);
  if (users.some((u) => u.name === name)) throw new UsageError(`user "${name}" already exists`, { hint: `earshot users token ${name} --rotate gives them a new token` });
  const token = newToken();
  await writeUsers(dataDir, [...users, { name, admin, tokenHash: hashToken(token), createdAt: new Date().toISOString() }]);
  return { user: { name, admin }, token };
}

/** Replaces a user's token; the old one stops working. */
export async function rotateToken(dataDir: string, name: string): Promise<string> {
  const users = readUsers(dataDir);
  const i = users.findIndex((u) => u.name === name);
  if (i < 0) throw new UsageError(`no user "${name}"`, { hint: 'earshot users list shows them; earshot users add NAME creates one' });
  const token = newToken();
  const next = [...users];
  next[i] = { ...users[i]!, tokenHash: hashToken(token), rotatedAt: new Date().toISOString() };
  await writeUsers(dataDir, next);
  return token;
}

/** Most verified tokens UserDirectory keeps (then it starts over). */
const VERIFIED = 10_000;

/** Token → user, reloading the file when it changes (checked at most once a second). */
export class UserDirectory {
  private byHash = new Map<string, User>();
  /**
   * Tokens that verified since the file was last read: a client sends the same token with every request,
   * and hashing it each time was ~2 µs of the event loop per request (a tenth of a single-listen
   * submission's own work). Only valid tokens go in, and at most VERIFIED of them.
   */
  private verified = new Map<string, User>();
  private mtime = -1;
  private checkedAt = 0;

  constructor(private readonly dataDir: string) {
    this.reload(true);
  }

  private reload(force = false): void {
    const now = Date.now();
    if (!force && now - this.checkedAt < 1000) return;
    this.checkedAt = now;
    const p = usersPath(this.dataDir);
    const m = existsSync(p) ? statSync(p).mtimeMs : 0;
    if (m === this.mtime) return;
    this.mtime = m;
    this.byHash = new Map();
    this.verified = new Map();
    for (const u of readUsers(this.dataDir)) this.byHash.set(u.tokenHash, { name: u.name, admin: u.admin });
  }

  /** The user a token belongs to, or null. */
  verify(token: string): User | null {
    this.reload();
    const known = this.verified.get(token);
    if (known) return known;
    // Looked up by the token's hash: timing reveals nothing about a stored token's text.
    const user = this.byHash.get(hashToken(token)) ?? null;
    if (user) {
      if (this.verified.size >= VERIFIED) this.verified.clear();
      this.verified.set(token, user);
    }
    return user;
  }
}
