// The frame every chart shares: a <figure> named by its caption, the drawing (an SVG with role="img"
// and a one-sentence summary as its name), a legend, and the same data as a table behind a native
// "Show as table" disclosure (keyboard and screen-reader friendly, works without JavaScript).
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

export interface ChartTable {
  /** Column headers; the first column names each row (a <th scope="row">). */
  columns: string[];
  rows: (string | number)[][];
}

export interface LegendItem { label: string; colour: string }

interface FrameProps {
  /** The chart's accessible name and visible caption. */
  label: string;
  /** What the drawing shows in one sentence (the SVG's accessible description). */
  summary: string;
  table: ChartTable;
  legend?: LegendItem[];
  /** Drawing height in px. */
  height: number;
  /** Draws the SVG's content for the measured width. */
  children: (width: number) => ReactNode;
  /** Shown instead of the drawing when there is nothing to draw (the table stays, with its headers). */
  empty?: string | null;
}

/** Server render and first paint use this width; the real one is measured after hydration. */
const FALLBACK_WIDTH = 560;

export function ChartFrame({ label, summary, table, legend, height, children, empty }: FrameProps) {
  const captionId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  return (
    <figure className="chart" aria-labelledby={captionId}>
      <figcaption id={captionId} className="chart-caption">{label}</figcaption>
      <div ref={ref} className="chart-plot" style={{ height }}>
        {empty ? (
          <p className="chart-empty muted">{empty}</p>
        ) : (
          <svg role="img" aria-label={`${label}: ${summary}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
            {children(width)}
          </svg>
        )}
      </div>
      {legend && legend.length > 1 && !empty && (
        <ul className="chart-legend" aria-hidden="true">
          {legend.map((item) => (
            <li key={item.label}><span className="chart-swatch" style={{ background: item.colour }} />{item.label}</li>
          ))}
        </ul>
      )}
      <details className="chart-table">
        <summary>Show as table<span className="sr-only">: {label}</span></summary>
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{label}</caption>
            <thead><tr>{table.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
            <tbody>
              {table.rows.length === 0 && <tr><td colSpan={table.columns.length} className="empty">No data.</td></tr>}
              {table.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (j === 0
                    ? <th key={j} scope="row">{cell}</th>
                    : <td key={j} data-label={table.columns[j]}>{cell}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function useWidth(ref: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(FALLBACK_WIDTH);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(200, Math.floor(element.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
