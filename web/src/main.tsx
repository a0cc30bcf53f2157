// The dashboard's entry: signs in with a stored token, then routes by path to one page. Admins see every
// page; a user sees their own recap and the catalogue.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { api, ApiError } from './api.js';
import { clearToken, readToken } from './session.js';
import { match, navigate, useLocation } from './router.js';
import { Layout } from './components/Layout.js';
import { ErrorBox, Loading } from './components/States.js';
import { SignIn } from './pages/SignIn.js';
import { Overview } from './pages/Overview.js';
import { RecapPage } from './pages/Recap.js';
import { Users } from './pages/Users.js';
import { Catalogue } from './pages/Catalogue.js';
import { TrackPage } from './pages/Track.js';
import { ArtistPage } from './pages/Artist.js';
import { Reports } from './pages/Reports.js';
import { SqlConsole } from './pages/Sql.js';
import { Pipeline } from './pages/Pipeline.js';

export interface Me {
  name: string;
  admin: boolean;
}

function Forbidden({ what }: { what: string }) {
  return <ErrorBox error={new ApiError(403, `${what} needs an admin token.`)} />;
}

function Page({ me }: { me: Me }) {
  const { path } = useLocation();
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return me.admin ? <Overview /> : <RecapPage me={me} user={me.name} />;
  if (path === '/me') return <RecapPage me={me} user={me.name} />;
  if (path === '/users') return me.admin ? <Users /> : <Forbidden what="The list of users" />;
  if ((m = match('/users/:user', path))) return <RecapPage me={me} user={m['user']!} />;
  if (path === '/catalogue') return <Catalogue />;
  if ((m = match('/catalogue/tracks/:key', path))) return <TrackPage trackKey={m['key']!} />;
  if ((m = match('/catalogue/artists/:name', path))) return <ArtistPage name={m['name']!} />;
  if (path === '/reports') return me.admin ? <Reports /> : <Forbidden what="Reports over every user" />;
  if ((m = match('/reports/:name', path))) return me.admin ? <Reports selected={m['name']!} /> : <Forbidden what="Reports over every user" />;
  if (path === '/sql') return me.admin ? <SqlConsole /> : <Forbidden what="The SQL console" />;
  if (path === '/pipeline') return me.admin ? <Pipeline /> : <Forbidden what="The pipeline page" />;
  return (
    <div class="state empty">
      <strong>No page at {path}.</strong> <a href="/">Go to the start</a>.
    </div>
  );
}

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const { path } = useLocation();

  const check = () => {
    if (!readToken()) {
      setChecking(false);
      setMe(null);
      return;
    }
    setChecking(true);
    api<Me>('/v1/me').then(
      (m) => {
        setMe(m);
        setError(null);
        setChecking(false);
      },
      (e: Error) => {
        if (e instanceof ApiError && e.status === 401) clearToken();
        setError(e);
        setMe(null);
        setChecking(false);
      },
    );
  };
  useEffect(check, []);

  if (checking) return <Loading what="your account" />;
  if (!me || path === '/signin')
    return (
      <SignIn
        error={error}
        onSignedIn={(m) => {
          setMe(m);
          setError(null);
          if (path === '/signin') navigate('/', true);
        }}
      />
    );
  return (
    <Layout
      me={me}
      onSignOut={() => {
        clearToken();
        setMe(null);
        navigate('/signin');
      }}
    >
      <Page me={me} />
    </Layout>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the boot message: Preact 11 renders beside existing children
render(<App />, root);
