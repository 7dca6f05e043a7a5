import { useEffect, useState } from 'react';
import { api, ApiError, csrfToken, Me } from './api';
import { ClassifyPage } from './pages/ClassifyPage';
import { AttackLabPage } from './pages/AttackLabPage';
import { HistoryPage } from './pages/HistoryPage';
import { BatchesPage } from './pages/BatchesPage';
import { RobustnessPage } from './pages/RobustnessPage';

const pages = {
  classify: { title: 'Classify', render: () => <ClassifyPage /> },
  attack: { title: 'Attack lab', render: () => <AttackLabPage /> },
  history: { title: 'History', render: () => <HistoryPage /> },
  batches: { title: 'Batches', render: () => <BatchesPage /> },
  robustness: { title: 'Robustness', render: (me: Me) => <RobustnessPage admin={me.roles.includes('admin')} /> },
} as const;

type PageKey = keyof typeof pages;

function pageFromHash(): PageKey {
  const key = window.location.hash.replace('#/', '') as PageKey;
  return key in pages ? key : 'classify';
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [page, setPage] = useState<PageKey>(pageFromHash());

  useEffect(() => {
    api.me().then(setMe).catch((e) => {
      if (e instanceof ApiError && e.status === 401) setMe(null);
      else setMe(null);
    });
    const onHash = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  if (me === undefined) return <p className="centered" role="status">Loading…</p>;
  if (me === null) return <Welcome />;

  return (
    <div className="shell">
      <header>
        <a className="brand" href="#/classify">Aegis</a>
        <nav aria-label="Main">
          {(Object.keys(pages) as PageKey[]).map((key) => (
            <a key={key} href={`#/${key}`} aria-current={page === key ? 'page' : undefined}>
              {pages[key].title}
            </a>
          ))}
        </nav>
        <form method="post" action="/logout" className="logout">
          <input type="hidden" name="_csrf" value={csrfToken() || ''} />
          <span className="user">{me.name}</span>
          <button type="submit">Log out</button>
        </form>
      </header>
      <main>{pages[page].render(me)}</main>
    </div>
  );
}

function Welcome() {
  return (
    <main className="welcome">
      <h1>Aegis</h1>
      <p>
        Classify images, attack the classifier with real gradient attacks (FGSM, BIM, PGD) and see how
        its defences hold up.
      </p>
      <p>
        <a className="button" href="/oauth2/authorization/keycloak">Log in or create an account</a>
      </p>
    </main>
  );
}
