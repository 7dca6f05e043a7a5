import { useEffect, useState } from 'react';
import { api, Batch } from '../api';
import { ImagePicker } from '../components/ImagePicker';
import { ProblemMessage } from '../components/ProblemMessage';

// The results endpoint negotiates CSV by Accept header, which a plain link cannot set.
async function downloadCsv(id: string) {
  const response = await fetch(`/api/batches/${encodeURIComponent(id)}/results`, {
    headers: { Accept: 'text/csv' },
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`CSV download failed (${response.status})`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `batch-${id}.csv`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function BatchesPage() {
  const [files, setFiles] = useState<File[]>([]);
  const [batches, setBatches] = useState<Batch[]>([]);
  const [error, setError] = useState<unknown>();
  const [submitting, setSubmitting] = useState(false);

  const running = batches.some((b) => b.done + b.failed < b.total && b.status !== 'CANCELLED');
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => {
      Promise.all(batches.map((b) => api.batch(b.id))).then(setBatches, setError);
    }, 1000);
    return () => clearInterval(timer);
  }, [running, batches]);

  async function submit() {
    setSubmitting(true);
    setError(undefined);
    try {
      const accepted = await api.submitBatch(files);
      const batch = await api.batch(accepted.id);
      setBatches((b) => [batch, ...b]);
      setFiles([]);
    } catch (e) {
      setError(e);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <section aria-labelledby="batches-title">
      <h1 id="batches-title">Batches</h1>
      <ImagePicker label="Choose images or one zip" multiple accept="image/*,.zip,application/zip" onFiles={setFiles} />
      <p>{files.length} file(s) selected</p>
      <button type="button" disabled={!files.length || submitting} onClick={submit}>
        {submitting ? 'Uploading…' : 'Submit batch'}
      </button>
      <ProblemMessage error={error} />
      <ul className="batches">
        {batches.map((b) => (
          <li key={b.id}>
            <p>
              Batch <code>{b.id}</code>: {b.done} done, {b.failed} failed of {b.total} ({b.status})
            </p>
            <progress max={b.total} value={b.done + b.failed} aria-label={`Progress of batch ${b.id}`} />
            <button type="button" onClick={() => downloadCsv(b.id).catch(setError)}>
              Download CSV
            </button>{' '}
            <a href={`/api/batches/${b.id}/results`}>JSON</a>
          </li>
        ))}
      </ul>
    </section>
  );
}
