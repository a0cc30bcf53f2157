// Data hooks: useApi loads one endpoint (with loading, error and a reload), useLive keeps the live state
// from the server's event stream (reconnecting on its own, as EventSource does).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, withToken } from './api.js';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | Error | null;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (null: nothing to load yet); refetches when it changes, every `refreshMs` if given. */
export function useApi<T>(path: string | null, refreshMs = 0): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (path === null) return;
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: ac.signal }).then(
      (data) => setState({ data, error: null, loading: false }),
      (error: Error) => {
        if (!ac.signal.aborted) setState({ data: null, error, loading: false });
      },
    );
    return () => ac.abort();
  }, [path, tick]);
  useEffect(() => {
    if (!refreshMs || path === null) return;
    const t = setInterval(reload, refreshMs);
    return () => clearInterval(t);
  }, [refreshMs, path, reload]);
  return { ...state, reload };
}

export interface LiveCounters {
  events_in: number;
  accepted: number;
  rejected: number;
  late: number;
  events_per_second: number;
  watermark_ms: number | null;
  [k: string]: number | null;
}
export interface TrendingTrack {
  rank: number;
  track_key: string;
  track_name: string | null;
  artist_name: string | null;
  plays: number;
}
export interface LiveState {
  counters: LiveCounters;
  trending: { window_start: string; window_end: string; tracks: TrendingTrack[] } | null;
  action_counts: { window_start: string; window_end: string; action: string; events: number }[];
  active_users: { window_start: string; window_end: string; users: number }[];
  /** The latest listens the engine has taken in, newest first. */
  recent?: { user_id: string; track_name: string | null; artist_name: string | null; listened_at: string | null }[];
  live?: boolean;
}

/** The live state from GET /v1/live (SSE), with a short history of events/s for a sparkline. */
export function useLive(enabled: boolean): { state: LiveState | null; connected: boolean; rate: { at: number; eps: number }[] } {
  const [state, setState] = useState<LiveState | null>(null);
  const [connected, setConnected] = useState(false);
  const rate = useRef<{ at: number; eps: number }[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const es = new EventSource(withToken('/v1/live'));
    es.addEventListener('open', () => setConnected(true));
    es.addEventListener('error', () => setConnected(false));
    es.addEventListener('state', (e) => {
      const s = JSON.parse((e as MessageEvent<string>).data) as LiveState;
      rate.current = [...rate.current.slice(-119), { at: Date.now(), eps: s.counters?.events_per_second ?? 0 }];
      setConnected(true);
      setState(s);
    });
    return () => es.close();
  }, [enabled]);
  return { state, connected, rate: rate.current };
}
