// Sign-in: paste the token `earshot users add NAME` printed; it is checked against /v1/me and kept in
// this browser's localStorage.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { clearToken, saveToken } from '../session.js';
import type { Me } from '../main.js';

export function SignIn({ error, onSignedIn }: { error: Error | null; onSignedIn: (m: Me) => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(error?.message ?? null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    saveToken(token.trim());
    try {
      onSignedIn(await api<Me>('/v1/me'));
    } catch (err) {
      clearToken();
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" id="main">
      <h1>earshot</h1>
      <form onSubmit={submit}>
        <label for="token">Your token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        <button type="submit" disabled={busy || !token.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {problem && (
          <p class="state error" role="alert">
            {problem}
          </p>
        )}
      </form>
      <p class="note">
        An admin creates tokens with <code>earshot users add NAME</code> (<code>--admin</code> for an admin). The token stays in this browser only.
      </p>
    </main>
  );
}
