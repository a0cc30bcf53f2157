// Loading, error and empty states. An empty state always says how data gets in, since an empty lake is
// the first thing a new self-hoster sees.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.js';

export function Loading({ what = 'data' }: { what?: string }) {
  return (
    <div class="state loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function ErrorBox({ error }: { error: Error }) {
  const status = error instanceof ApiError ? error.status : null;
  return (
    <div class="state error" role="alert">
      <strong>{status === 403 ? 'Not yours to see' : status === 401 ? 'Sign in again' : 'Could not load this'}</strong>
      <p>{error.message}</p>
    </div>
  );
}

export function GetData({ children }: { children?: ComponentChildren }) {
  return (
    <div class="state empty">
      {children ?? <strong>No listens yet.</strong>}
      <p>Get data in any of these ways:</p>
      <ul>
        <li>
          <code>npm run demo</code> — a synthetic world, generated and imported
        </li>
        <li>
          <code>earshot import my_spotify_data.zip --user me</code> — a Spotify, ListenBrainz or Last.fm export
        </li>
        <li>
          <code>POST /1/submit-listens</code> (ListenBrainz clients) or <code>POST /v1/listens</code> (NDJSON) with your token
        </li>
      </ul>
    </div>
  );
}

/** Renders loading / error / children once data is there. */
export function Load<T>({ state, what, children }: { state: { data: T | null; error: Error | null; loading: boolean }; what?: string; children: (d: T) => ComponentChildren }) {
  if (state.error) return <ErrorBox error={state.error} />;
  if (state.data === null) return state.loading ? <Loading {...(what ? { what } : {})} /> : <GetData />;
  return <>{children(state.data)}</>;
}
