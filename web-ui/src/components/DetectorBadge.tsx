import { Detector } from '../api';

export function DetectorBadge({ detector }: { detector?: Detector }) {
  if (!detector) return null;
  return detector.flagged ? (
    <span className="badge warn" title={`score ${detector.score.toFixed(3)} ≥ threshold ${detector.threshold.toFixed(3)}`}>
      Suspected adversarial input
    </span>
  ) : (
    <span className="badge ok" title={`score ${detector.score.toFixed(3)} < threshold ${detector.threshold.toFixed(3)}`}>
      Looks clean
    </span>
  );
}
