import { useEffect, useState } from 'react';
import { api, Attack, untilDone } from '../api';
import { ImagePicker, usePreview } from '../components/ImagePicker';
import { DetectorBadge } from '../components/DetectorBadge';
import { ProblemMessage } from '../components/ProblemMessage';

export const DEFAULT_PRESETS = [0.01, 0.03, 0.05, 0.1, 0.2];
const METHODS = ['FGSM', 'BIM', 'PGD'] as const;

export function AttackLabPage() {
  const [file, setFile] = useState<File>();
  const [method, setMethod] = useState<string>('FGSM');
  const [epsilon, setEpsilon] = useState(0.05);
  const [steps, setSteps] = useState(10);
  const [target, setTarget] = useState('');
  const [labels, setLabels] = useState<string[]>([]);
  const [presets, setPresets] = useState<number[]>(DEFAULT_PRESETS);
  const [result, setResult] = useState<Attack>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const preview = usePreview(file);

  useEffect(() => {
    api.attackPresets()
      .then((list) => {
        const values = (Array.isArray(list) ? list : []).map((p) => p.epsilon).filter((e) => Number.isFinite(e));
        if (values.length) setPresets(values);
      })
      .catch(() => undefined);
    api.model().then((m) => setLabels(m.labels || [])).catch(() => undefined);
  }, []);

  async function run() {
    if (!file) return;
    setPending(true);
    setError(undefined);
    setResult(undefined);
    try {
      const accepted = await api.attack(file, {
        method,
        epsilon,
        steps: method === 'FGSM' ? undefined : steps,
        targetLabel: target || undefined,
      });
      setResult(await untilDone(() => api.attackResult(accepted.id)));
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="attack-title">
      <h1 id="attack-title">Attack lab</h1>
      <ImagePicker label="Choose an image to attack" onFiles={(f) => setFile(f[0])} />
      <fieldset>
        <legend>Attack</legend>
        <label>
          Method
          <select value={method} onChange={(e) => setMethod(e.target.value)}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Epsilon: <output>{epsilon.toFixed(3)}</output>
          <input
            type="range"
            min={0}
            max={1}
            step={0.005}
            value={epsilon}
            onChange={(e) => setEpsilon(Number(e.target.value))}
          />
        </label>
        <div className="presets" role="group" aria-label="Epsilon presets">
          {presets.map((p) => (
            <button type="button" key={p} aria-pressed={p === epsilon} onClick={() => setEpsilon(p)}>
              {p}
            </button>
          ))}
        </div>
        {method !== 'FGSM' && (
          <label>
            Steps
            <input type="number" min={1} max={1000} value={steps} onChange={(e) => setSteps(Number(e.target.value))} />
          </label>
        )}
        <label>
          Target label (optional)
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">none (untargeted)</option>
            {labels.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
      </fieldset>
      <button type="button" onClick={run} disabled={!file || pending}>
        {pending ? 'Attacking…' : 'Run attack'}
      </button>
      {pending && <progress aria-label="Waiting for the attack" />}
      <ProblemMessage error={error} />
      {result?.status === 'FAILED' && <p className="error" role="alert">Attack failed: {result.error}</p>}
      {result?.status === 'DONE' && (
        <div className="result" aria-live="polite">
          <p className="verdict">
            {result.success ? 'The attack fooled the model.' : 'The model resisted this attack.'}{' '}
            <DetectorBadge detector={result.detector} />
          </p>
          <div className="triptych">
            <figure>
              {preview && <img src={preview} alt="Original image" />}
              <figcaption>
                Original: {result.original?.label} ({((result.original?.confidence ?? 0) * 100).toFixed(1)}%)
              </figcaption>
            </figure>
            <figure>
              <img src={`/api/attacks/${result.id}/image`} alt="Adversarial image" />
              <figcaption>
                Adversarial: {result.adversarial?.label} ({((result.adversarial?.confidence ?? 0) * 100).toFixed(1)}%)
              </figcaption>
            </figure>
            <figure>
              <img src={`/api/attacks/${result.id}/perturbation`} alt="Perturbation, amplified" />
              <figcaption>
                Perturbation (amplified): L∞ {result.linf?.toFixed(4)}, L2 {result.l2?.toFixed(3)}
              </figcaption>
            </figure>
          </div>
          <a className="button" href={`/api/attacks/${result.id}/image`} download>
            Download adversarial PNG
          </a>
        </div>
      )}
    </section>
  );
}
