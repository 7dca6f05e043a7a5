import { useEffect, useState } from 'react';
import { Line } from 'react-chartjs-2';
import {
  CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Title, Tooltip,
} from 'chart.js';
import { api, HistoryRecord, ModelCard, RobustnessPoint } from '../api';
import { ProblemMessage } from '../components/ProblemMessage';

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, Title, Tooltip, Legend);

const EPSILONS = [0, 0.01, 0.03, 0.05, 0.1, 0.2];

export function RobustnessPage({ admin }: { admin: boolean }) {
  const [card, setCard] = useState<ModelCard>();
  const [versions, setVersions] = useState<ModelCard[]>([]);
  const [images, setImages] = useState<HistoryRecord[]>([]);
  const [method, setMethod] = useState('FGSM');
  const [points, setPoints] = useState<RobustnessPoint[]>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);

  useEffect(() => {
    api.model().then(setCard, setError);
    api.history(new URLSearchParams({ kind: 'PREDICTION', size: '50' }))
      .then((p) => setImages(p.items.filter((r) => r.imageId)), () => undefined);
    if (admin) api.modelVersions().then(setVersions, setError);
  }, [admin]);

  async function measure() {
    setPending(true);
    setError(undefined);
    try {
      const ids = Array.from(new Set(images.map((r) => r.imageId!)));
      const report = await api.robustness({ imageIds: ids, method, epsilons: EPSILONS });
      setPoints(report.points);
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="robustness-title">
      <h1 id="robustness-title">Robustness</h1>
      <p>Measures accuracy against attacks of growing strength on the images you classified ({images.length}).</p>
      <label>
        Method
        <select value={method} onChange={(e) => setMethod(e.target.value)}>
          <option>FGSM</option>
          <option>BIM</option>
          <option>PGD</option>
        </select>
      </label>
      <button type="button" onClick={measure} disabled={pending || images.length === 0}>
        {pending ? 'Measuring…' : 'Measure accuracy vs epsilon'}
      </button>
      <ProblemMessage error={error} />
      {points && (
        <figure className="chart">
          <Line
            aria-label="Accuracy and attack success rate against epsilon"
            data={{
              labels: points.map((p) => String(p.epsilon)),
              datasets: [
                { label: 'accuracy', data: points.map((p) => p.accuracy), borderColor: '#1b5e9e' },
                { label: 'attack success rate', data: points.map((p) => p.successRate), borderColor: '#b3261e' },
              ],
            }}
            options={{ scales: { y: { min: 0, max: 1 } } }}
          />
        </figure>
      )}
      {card && (
        <section aria-labelledby="card-title" className="card">
          <h2 id="card-title">Active model: {card.name} v{card.version}</h2>
          <p>Labels: {card.labels.join(', ')}</p>
          {card.metrics && (
            <dl>
              {Object.entries(card.metrics).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{typeof v === 'number' ? v.toFixed(4) : String(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
      )}
      {admin && versions.length > 0 && (
        <section aria-labelledby="versions-title">
          <h2 id="versions-title">Model versions</h2>
          <ul>
            {versions.map((v) => (
              <li key={`${v.name}/${v.version}`}>
                {v.name} v{v.version}{' '}
                <button type="button" onClick={() => api.activate(v.name, v.version).then(() => api.model().then(setCard), setError)}>
                  Activate
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
