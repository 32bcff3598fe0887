// Bars per category: vertical (columns, e.g. per week) or horizontal (long labels, e.g. feature keys).
import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { chartColour, formatCompact, formatCount, shares, valueMax, formatRate, type Slice } from "../../lib/chart-data";
import { ChartFrame } from "./ChartFrame";

export interface BarChartProps {
  /** Accessible name and caption. */
  label: string;
  /** Categories in display order. */
  data: Slice[];
  /** "horizontal": one row per category with its label on the left (default "vertical"). */
  orientation?: "vertical" | "horizontal";
  format?: (value: number) => string;
  /** Name of the value column in the table (default "Value"). */
  valueLabel?: string;
  /** Adds a "Share" column to the table. */
  showShare?: boolean;
  colour?: string;
  height?: number;
  emptyText?: string;
}

export function BarChart({ label, data, orientation = "vertical", format = formatCount, valueLabel = "Value", showShare, colour = chartColour(0), height, emptyText = "No data in this window." }: BarChartProps) {
  const horizontal = orientation === "horizontal";
  const h = height ?? (horizontal ? Math.max(80, data.length * 30 + 28) : 220);
  const top = valueMax(data.map((d) => d.value));
  const pct = shares(data);
  const margin = horizontal ? { top: 6, right: 56, bottom: 22, left: 148 } : { top: 12, right: 12, bottom: 28, left: 52 };
  const summary = data.length === 0 ? "no data" : data.map((d) => `${d.label} ${format(d.value)}`).join("; ");
  return (
    <ChartFrame
      label={label}
      summary={summary}
      height={h}
      empty={data.length === 0 ? emptyText : null}
      table={{
        columns: showShare ? ["Category", valueLabel, "Share"] : ["Category", valueLabel],
        rows: data.map((d, i) => (showShare ? [d.label, format(d.value), formatRate(pct[i])] : [d.label, format(d.value)])),
      }}
    >
      {(width) => {
        const innerWidth = Math.max(10, width - margin.left - margin.right);
        const innerHeight = Math.max(10, h - margin.top - margin.bottom);
        const band = scaleBand({ domain: data.map((d) => d.label), range: horizontal ? [0, innerHeight] : [0, innerWidth], padding: 0.25 });
        const value = scaleLinear({ domain: [0, top], range: horizontal ? [0, innerWidth] : [innerHeight, 0], nice: true });
        const tickFormat = (v: unknown) => (format === formatCount ? formatCompact(Number(v)) : format(Number(v)));
        return (
          <Group left={margin.left} top={margin.top}>
            {data.map((d) => {
              const at = band(d.label) ?? 0;
              const size = band.bandwidth();
              return horizontal ? (
                <g key={d.label}>
                  <Bar x={0} y={at} width={Math.max(1, value(d.value))} height={size} rx={3} style={{ fill: colour }}><title>{`${d.label}: ${format(d.value)}`}</title></Bar>
                  <text className="chart-value" x={value(d.value) + 6} y={at + size / 2} dominantBaseline="middle">{format(d.value)}</text>
                </g>
              ) : (
                <Bar key={d.label} x={at} y={value(d.value)} width={size} height={Math.max(1, innerHeight - value(d.value))} rx={3} style={{ fill: colour }}>
                  <title>{`${d.label}: ${format(d.value)}`}</title>
                </Bar>
              );
            })}
            {horizontal ? (
              <>
                <AxisLeft scale={band} hideTicks axisClassName="chart-axis" tickFormat={(v) => truncate(String(v), 20)} />
                <AxisBottom scale={value} top={innerHeight} numTicks={Math.max(2, Math.floor(innerWidth / 80))} tickFormat={tickFormat} axisClassName="chart-axis" />
              </>
            ) : (
              <>
                <AxisLeft scale={value} numTicks={4} tickFormat={tickFormat} axisClassName="chart-axis" hideAxisLine tickLength={3} />
                <AxisBottom scale={band} top={innerHeight} hideTicks axisClassName="chart-axis" tickFormat={(v) => truncate(String(v), 12)} />
              </>
            )}
          </Group>
        );
      }}
    </ChartFrame>
  );
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
