// Serves the built dashboard (dist/web, made by `npm run build`) under /: hashed assets with a year's
// cache, index.html for every other non-API path so the client-side routes (/users/ana, /catalogue/…)
// survive a reload. Files are read once and kept in memory, gzipped once when the client takes gzip.
// API-looking paths (/v1/, /1/) that reach here get the usual JSON 404.
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { RoutePlugin } from '../context.js';
import { HttpError } from '../http-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** dist/web beside the compiled server (dist/serve/routes → dist/web) or beside the sources (src/serve/routes → dist/web). */
export function webRoot(): string | null {
  const candidates = [fileURLToPath(new URL('../../web', import.meta.url)), fileURLToPath(new URL('../../../dist/web', import.meta.url))];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? null;
}

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>earshot</title><p>The dashboard is not built. Run <code>npm run build</code> (it runs <code>vite build</code> into dist/web) and reload.</p>`;

export function webRoutes(root: string | null = webRoot()): RoutePlugin {
  return (app) => {
    const cache = new Map<string, Asset | null>();
    const load = (rel: string): Asset | null => {
      if (cache.has(rel)) return cache.get(rel)!;
      let asset: Asset | null = null;
      if (root) {
        const abs = normalize(join(root, rel));
        if (abs.startsWith(root + sep) && existsSync(abs)) {
          try {
            const body = readFileSync(abs);
            const type = TYPES[extname(abs)] ?? 'application/octet-stream';
            asset = { body, type, gzip: /text|javascript|json|svg/.test(type) && body.length > 1024 ? gzipSync(body) : null };
          } catch {
            asset = null; // a directory, or unreadable: treated as absent
          }
        }
      }
      if (cache.size < 2000) cache.set(rel, asset);
      return asset;
    };

    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const path = decodeURIComponent(req.url.split('?')[0]!);
      if (/^\/(v1|1)(\/|$)/.test(path)) throw new HttpError(404, `No route ${req.method} ${path}`);
      const file = path === '/' ? null : load(path.slice(1));
      const asset = file ?? load('index.html');
      if (!asset) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
      const immutable = file !== null && path.startsWith('/assets/');
      void reply
        .type(asset.type)
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('vary', 'accept-encoding');
      if (file === null) void reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'");
      if (asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzip);
      return reply.send(asset.body);
    });
  };
}
