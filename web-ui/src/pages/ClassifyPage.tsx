import { useState } from 'react';
import { api, Prediction, untilDone } from '../api';
import { ImagePicker, usePreview } from '../components/ImagePicker';
import { ProbabilityBars } from '../components/ProbabilityBars';
import { DetectorBadge } from '../components/DetectorBadge';
import { ProblemMessage } from '../components/ProblemMessage';

export function ClassifyPage() {
  const [file, setFile] = useState<File>();
  const [result, setResult] = useState<Prediction>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const preview = usePreview(file);

  async function classify() {
    if (!file) return;
    setPending(true);
    setError(undefined);
    setResult(undefined);
    try {
      const accepted = await api.predict(file);
      setResult(await untilDone(() => api.prediction(accepted.id)));
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="classify-title">
      <h1 id="classify-title">Classify an image</h1>
      <ImagePicker label="Choose an image" onFiles={(f) => setFile(f[0])} />
      {preview && <img className="preview" src={preview} alt="Selected image" />}
      <button type="button" onClick={classify} disabled={!file || pending}>
        {pending ? 'Classifying…' : 'Classify'}
      </button>
      {pending && <progress aria-label="Waiting for the result" />}
      <ProblemMessage error={error} />
      {result?.status === 'FAILED' && <p className="error" role="alert">Classification failed: {result.error}</p>}
      {result?.status === 'DONE' && (
        <div className="result" aria-live="polite">
          <p className="verdict">
            <strong>{result.label}</strong> with {((result.confidence ?? 0) * 100).toFixed(1)}% confidence{' '}
            <DetectorBadge detector={result.detector} />
          </p>
          {result.probabilities && <ProbabilityBars probabilities={result.probabilities} />}
          {result.model && (
            <p className="meta">
              Model {result.model.name} version {result.model.version}
            </p>
          )}
        </div>
      )}
      <aside className="note">
        <h2>About the demo model</h2>
        <p>
          The demo model tells <em>bike</em>, <em>car</em> and <em>ship</em> apart. It was trained by Aegis itself on
          rendered open-source icon and emoji artwork (with heavy augmentation), not on photos, because no photo
          dataset or pretrained weights can be downloaded where it is built. Expect it to do well on drawings and
          icons and less well on photos.
        </p>
        <p>
          To train on your own photos, put them in one folder per class and run{' '}
          <code>./aegis train --data your-folder --out models</code>; an administrator can then upload and activate
          the model on the Robustness page.
        </p>
      </aside>
    </section>
  );
}
