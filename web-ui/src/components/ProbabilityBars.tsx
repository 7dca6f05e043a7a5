// A horizontal bar per label: readable without a chart library and accessible as a list.
export function ProbabilityBars({ probabilities }: { probabilities: Record<string, number> }) {
  const rows = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
  return (
    <ul className="bars" aria-label="Probabilities of every label">
      {rows.map(([label, p]) => (
        <li key={label}>
          <span className="bar-label">{label}</span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar-fill" style={{ width: `${(p * 100).toFixed(1)}%` }} />
          </span>
          <span className="bar-value">{(p * 100).toFixed(1)}%</span>
        </li>
      ))}
    </ul>
  );
}
