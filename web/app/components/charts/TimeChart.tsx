// Line and area charts over time: one or more series sharing a UTC time axis and a value axis.
import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleLinear, scaleTime } from "@visx/scale";
import { AreaClosed, LinePath } from "@visx/shape";
import { chartColour, formatCompact, formatCount, timeFormatter, valueMax } from "../../lib/chart-data";
import { ChartFrame } from "./ChartFrame";

export interface TimeSeries<Row> {
  label: string;
  /** The value at a row; null leaves a gap (e.g. a rate of an empty bucket). */
  value: (row: Row) => number | null;
  /** A CSS colour; default: the theme's palette in order. */
  colour?: string;
}

export interface TimeChartProps<Row> {
  /** Accessible name and caption. */
  label: string;
  rows: Row[];
  /** Each row's instant (the bucket start). */
  time: (row: Row) => Date;
  series: TimeSeries<Row>[];
  /** Value labels (axis and table); default: counts. */
  format?: (value: number) => string;
  /** Value axis domain's top; default: the largest value. Use 1 for rates. */
  max?: number;
  /** The window drawn; default: the first and last row. */
  from?: Date;
  to?: Date;
  height?: number;
  /** Text shown instead of the drawing when rows is empty. */
  emptyText?: string;
}

const DOTS_UP_TO = 90;
const MARGIN = { top: 12, right: 16, bottom: 28, left: 52 };

function TimeChart<Row>({ kind, label, rows, time, series, format = formatCount, max, from, to, height = 220, emptyText = "No data in this window." }: TimeChartProps<Row> & { kind: "line" | "area" }) {
  const start = from ?? (rows[0] ? time(rows[0]) : new Date(0));
  const end = to ?? (rows.length ? time(rows[rows.length - 1]!) : new Date(0));
  const formatTime = timeFormatter(start, end);
  const top = max ?? valueMax(rows.flatMap((r) => series.map((s) => s.value(r))));
  const colours = series.map((s, i) => s.colour ?? chartColour(i));
  const last = rows[rows.length - 1];
  const summary = rows.length === 0 ? "no data"
    : `${rows.length} points from ${formatTime(start)} to ${formatTime(end)} UTC; latest ${series.map((s) => `${s.label} ${last ? fmt(s.value(last), format) : "—"}`).join(", ")}.`;
  return (
    <ChartFrame
      label={label}
      summary={summary}
      height={height}
      empty={rows.length === 0 ? emptyText : null}
      legend={series.map((s, i) => ({ label: s.label, colour: colours[i]! }))}
      table={{
        columns: ["Time (UTC)", ...series.map((s) => s.label)],
        rows: rows.map((r) => [formatTime(time(r)), ...series.map((s) => fmt(s.value(r), format))]),
      }}
    >
      {(width) => {
        const innerWidth = Math.max(10, width - MARGIN.left - MARGIN.right);
        const innerHeight = Math.max(10, height - MARGIN.top - MARGIN.bottom);
        const x = scaleTime({ domain: [start, end.getTime() > start.getTime() ? end : new Date(start.getTime() + 60_000)], range: [0, innerWidth] });
        const y = scaleLinear({ domain: [0, top], range: [innerHeight, 0], nice: true });
        return (
          <Group left={MARGIN.left} top={MARGIN.top}>
            {y.ticks(4).map((t) => <line key={t} className="chart-grid" x1={0} x2={innerWidth} y1={y(t)} y2={y(t)} />)}
            {series.map((s, i) => {
              const defined = (r: Row) => s.value(r) !== null;
              const common = { data: rows, x: (r: Row) => x(time(r)), y: (r: Row) => y(s.value(r) ?? 0), defined };
              return (
                <g key={s.label}>
                  {kind === "area" && <AreaClosed {...common} yScale={y} style={{ fill: colours[i], fillOpacity: 0.18 }} />}
                  <LinePath {...common} style={{ stroke: colours[i], strokeWidth: 2, fill: "none" }} />
                  {/* Dots when points are few enough to tell apart (a lone point has no line). */}
                  {rows.length <= DOTS_UP_TO && rows.filter(defined).map((r) => (
                    <circle key={time(r).getTime()} cx={x(time(r))} cy={y(s.value(r) ?? 0)} r={2.5} style={{ fill: colours[i] }} />
                  ))}
                </g>
              );
            })}
            <AxisLeft scale={y} numTicks={4} tickFormat={(v) => (format === formatCount ? formatCompact(Number(v)) : format(Number(v)))} axisClassName="chart-axis" hideAxisLine tickLength={3} />
            <AxisBottom scale={x} top={innerHeight} numTicks={Math.max(2, Math.floor(innerWidth / 90))} tickFormat={(v) => formatTime(v instanceof Date ? v : new Date(Number(v)))} axisClassName="chart-axis" />
          </Group>
        );
      }}
    </ChartFrame>
  );
}

const fmt = (v: number | null, format: (n: number) => string) => (v === null ? "—" : format(v));

/** A line per series over time. */
export function LineChart<Row>(props: TimeChartProps<Row>) {
  return <TimeChart kind="line" {...props} />;
}

/** A filled area per series over time (overlapping, translucent). */
export function AreaChart<Row>(props: TimeChartProps<Row>) {
  return <TimeChart kind="area" {...props} />;
}
