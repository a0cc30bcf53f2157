// Who is asking, and may they read this: the token from `Authorization: Token …` (ListenBrainz's
// spelling), `Authorization: Bearer …`, or `?token=` (EventSource and download links cannot set
// headers). No token or an unknown one is 401; another user's data is 403 unless you are an admin.
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';
import type { User, UserDirectory } from './users.js';

declare module 'fastify' {
  interface FastifyRequest {
    earshotUser?: User | null;
  }
}

/** The token a request carries, or null. */
export function tokenOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string') {
    const m = /^(?:Token|Bearer)\s+(\S+)\s*$/i.exec(h);
    return m ? m[1]! : null;
  }
  const q = (req.query as Record<string, unknown> | undefined)?.['token'];
  return typeof q === 'string' && q ? q : null;
}

export function userOf(req: FastifyRequest, users: UserDirectory): User | null {
  if (req.earshotUser !== undefined) return req.earshotUser;
  const t = tokenOf(req);
  req.earshotUser = t ? users.verify(t) : null;
  return req.earshotUser;
}

/** The signed-in user, or a 401 saying how to sign in. */
export function requireUser(req: FastifyRequest, users: UserDirectory): User {
  const u = userOf(req, users);
  if (u) return u;
  const had = tokenOf(req) !== null;
  throw new HttpError(401, had ? 'Invalid authorization token.' : 'You need to provide an Authorization header: Authorization: Token YOUR_TOKEN (earshot users add NAME prints one).');
}

export function requireAdmin(req: FastifyRequest, users: UserDirectory): User {
  const u = requireUser(req, users);
  if (!u.admin) throw new HttpError(403, 'This needs an admin token.');
  return u;
}

/** The signed-in user, who must be `name` or an admin. */
export function requireSelfOrAdmin(req: FastifyRequest, users: UserDirectory, name: string): User {
  const u = requireUser(req, users);
  if (!u.admin && u.name !== name) throw new HttpError(403, `Your token may read only your own data (${u.name}), not ${name}'s.`);
  return u;
}
