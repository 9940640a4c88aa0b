export interface ChartLegendProps<K extends string> {
  keys: readonly K[];
  color: (key: K) => string;
  keyLabel: (key: K) => string;
  /** Accessible name of the list. */
  label: string;
}

/** The colour key of a chart, as a list of swatches with their labels. */
export function ChartLegend<K extends string>({ keys, color, keyLabel, label }: ChartLegendProps<K>) {
  return (
    <ul className="chart-legend" aria-label={label}>
      {keys.map((key) => (
        <li key={key}>
          <span className="chart-swatch" style={{ background: color(key) }} aria-hidden="true" />
          {keyLabel(key)}
        </li>
      ))}
    </ul>
  );
}
