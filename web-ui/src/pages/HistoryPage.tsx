import { useCallback, useEffect, useState } from 'react';
import { api, HistoryPage as Page, HistoryRecord } from '../api';
import { DetectorBadge } from '../components/DetectorBadge';
import { ProblemMessage } from '../components/ProblemMessage';

const PAGE_SIZE = 20;

export function HistoryPage() {
  const [kind, setKind] = useState('');
  const [label, setLabel] = useState('');
  const [flagged, setFlagged] = useState('');
  // cursors of the pages seen so far: cursors[i] opens page i (page 0 has none)
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [data, setData] = useState<Page>();
  const [error, setError] = useState<unknown>();
  const [live, setLive] = useState<HistoryRecord[]>([]);

  const load = useCallback(() => {
    const q = new URLSearchParams({ size: String(PAGE_SIZE) });
    const cursor = cursors[page];
    if (cursor) q.set('cursor', cursor);
    if (kind) q.set('kind', kind);
    if (label) q.set('label', label);
    if (flagged) q.set('flagged', flagged);
    api.history(q).then((d) => {
      setData(d);
      setLive([]);
      setError(undefined);
      if (d.nextCursor) {
        setCursors((c) => (c[page + 1] === d.nextCursor ? c : [...c.slice(0, page + 1), d.nextCursor!]));
      }
    }, setError);
  }, [kind, label, flagged, page, cursors]);

  useEffect(load, [load]);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return undefined;
    const source = new EventSource('/api/history/stream');
    source.onmessage = (e) => {
      try {
        const record = JSON.parse(e.data) as HistoryRecord;
        setLive((l) => [record, ...l.filter((r) => r.id !== record.id)]);
      } catch {
        // a keep-alive or a record of an unknown shape: nothing to show
      }
    };
    return () => source.close();
  }, []);

  async function remove(id: string) {
    try {
      await api.deleteRecord(id);
      load();
    } catch (e) {
      setError(e);
    }
  }

  async function eraseAll() {
    if (!window.confirm('Erase all your history, uploaded images and adversarial images? This cannot be undone.')) return;
    try {
      await api.eraseAll();
      load();
    } catch (e) {
      setError(e);
    }
  }

  const rows = [...live.filter((r) => !data?.items.some((i) => i.id === r.id)), ...(data?.items ?? [])];
  const hasNext = Boolean(data?.nextCursor);
  const resetPaging = () => {
    setPage(0);
    setCursors([undefined]);
  };

  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">History</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind
          <select value={kind} onChange={(e) => { setKind(e.target.value); resetPaging(); }}>
            <option value="">all</option>
            <option value="PREDICTION">predictions</option>
            <option value="ATTACK">attacks</option>
            <option value="BATCH_ITEM">batch items</option>
          </select>
        </label>
        <label>
          Label
          <input value={label} onChange={(e) => { setLabel(e.target.value); resetPaging(); }} />
        </label>
        <label>
          Detector
          <select value={flagged} onChange={(e) => { setFlagged(e.target.value); resetPaging(); }}>
            <option value="">any</option>
            <option value="true">flagged</option>
            <option value="false">clean</option>
          </select>
        </label>
        <button type="button" className="danger" onClick={eraseAll}>
          Erase all my data
        </button>
      </form>
      <ProblemMessage error={error} />
      {data && rows.length === 0 && <p>No records yet. Classify or attack an image to start.</p>}
      <table>
        <caption className="visually-hidden">Your predictions and attacks</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Image</th>
            <th scope="col">Kind</th>
            <th scope="col">Result</th>
            <th scope="col">Detector</th>
            <th scope="col">Model</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{new Date(r.createdAt).toLocaleString()}</td>
              <td>
                {r.kind === 'ATTACK' ? (
                  <img className="thumb" src={`/api/attacks/${r.id}/image`} alt="Adversarial image" loading="lazy" />
                ) : (
                  <span className="thumb-placeholder" aria-hidden="true">🖼</span>
                )}
              </td>
              <td>{r.kind.toLowerCase().replace('_', ' ')}</td>
              <td>
                {r.kind === 'ATTACK' && r.attack
                  ? `${r.attack.method} ε=${r.attack.epsilon}: ${r.attack.originalLabel ?? r.label ?? '?'} → ${r.attack.adversarialLabel ?? '?'}${r.attack.success ? ' (fooled)' : ''}`
                  : `${r.label ?? '—'} ${r.confidence !== undefined ? `(${(r.confidence * 100).toFixed(1)}%)` : ''}`}
              </td>
              <td><DetectorBadge detector={r.detector} /></td>
              <td>{r.model ? `${r.model.name} v${r.model.version}` : ''}</td>
              <td>
                <button type="button" onClick={() => remove(r.id)} aria-label={`Delete record ${r.id}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
        <span>Page {page + 1}</span>
        <button type="button" disabled={!hasNext} onClick={() => setPage(page + 1)}>Next</button>
      </nav>
    </section>
  );
}
