// Pie and donut charts: shares of a whole (e.g. evaluations by variant or reason). Long tails are
// folded into "Other" (foldSlices) so the drawing stays readable; the table lists what is drawn.
import { Group } from "@visx/group";
import { Pie } from "@visx/shape";
import { chartColour, foldSlices, formatCount, formatRate, shares, type Slice } from "../../lib/chart-data";
import { ChartFrame } from "./ChartFrame";

export interface PieChartProps {
  /** Accessible name and caption. */
  label: string;
  data: Slice[];
  format?: (value: number) => string;
  /** Most slices drawn; the rest become "Other" (default 6). */
  maxSlices?: number;
  /** Name of the value column in the table (default "Value"). */
  valueLabel?: string;
  height?: number;
  emptyText?: string;
}

function PieLike({ donut, label, data, format = formatCount, maxSlices = 6, valueLabel = "Value", height = 200, emptyText = "No data in this window." }: PieChartProps & { donut: boolean }) {
  const slices = foldSlices(data, maxSlices);
  const pct = shares(slices);
  const total = slices.reduce((sum, s) => sum + s.value, 0);
  const colours = slices.map((_, i) => chartColour(i));
  const summary = slices.length === 0 ? "no data" : slices.map((s, i) => `${s.label} ${formatRate(pct[i])}`).join("; ");
  return (
    <ChartFrame
      label={label}
      summary={summary}
      height={height}
      empty={slices.length === 0 ? emptyText : null}
      legend={slices.map((s, i) => ({ label: `${s.label} (${formatRate(pct[i])})`, colour: colours[i]! }))}
      table={{ columns: ["Category", valueLabel, "Share"], rows: slices.map((s, i) => [s.label, format(s.value), formatRate(pct[i])]) }}
    >
      {(width) => {
        const radius = Math.min(width, height) / 2 - 4;
        return (
          <Group top={height / 2} left={width / 2}>
            <Pie data={slices} pieValue={(s) => s.value} outerRadius={radius} innerRadius={donut ? radius * 0.6 : 0} padAngle={slices.length > 1 ? 0.01 : 0} pieSortValues={null}>
              {(pie) => pie.arcs.map((arc, i) => (
                <path key={arc.data.label} d={pie.path(arc) ?? ""} style={{ fill: colours[i], stroke: "var(--surface)", strokeWidth: 1 }}>
                  <title>{`${arc.data.label}: ${format(arc.data.value)} (${formatRate(pct[i])})`}</title>
                </path>
              ))}
            </Pie>
            {donut && <text className="chart-total" textAnchor="middle" dominantBaseline="middle">{format(total)}</text>}
          </Group>
        );
      }}
    </ChartFrame>
  );
}

/** Shares of a whole as pie slices. */
export function PieChart(props: PieChartProps) {
  return <PieLike donut={false} {...props} />;
}

/** Shares of a whole as a ring, the total in the middle. */
export function DonutChart(props: PieChartProps) {
  return <PieLike donut {...props} />;
}
