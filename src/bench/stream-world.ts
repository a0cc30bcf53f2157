// The world the stream benchmarks generate: 200k users for 10M listens (one per 50), 50k tracks, 30 days.
export function worldOptions(n: number): { users: number; tracks: number; events: number; days: number; seed: number; start: string } {
  return { users: Math.max(1000, Math.round(n / 50)), tracks: 50_000, events: n, days: 30, seed: 7, start: '2026-01-01' };
}
