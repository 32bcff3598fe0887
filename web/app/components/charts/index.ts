// Charts for the console's dashboards, drawn with visx (SVG; ~26 KiB gzip, see
// ../shared/reference/console-stack.md). Import them only from routes that draw them, so other
// screens never download them:
//
//   import { LineChart, AreaChart, BarChart, PieChart, DonutChart } from "~/components/charts";
//
// Every chart is a <figure> whose caption is its accessible name (`label`), an SVG with role="img"
// named by the label plus a one-sentence summary, and a "Show as table" disclosure holding the same
// numbers (the screen-reader and keyboard alternative). Colours come from the theme's CSS variables
// (--chart-1..8, light and dark in styles.css); width follows the container, height is a prop.
// Times are drawn and tabulated in UTC (the API's buckets are UTC).
//
// LineChart / AreaChart<Row>({ label, rows, time: row => Date, series: [{ label, value: row => number | null,
//     colour? }], format?, max?, from?, to?, height?, emptyText? })
//   One line (or translucent area) per series on a time axis. A null value leaves a gap. `max: 1`
//   with `format: formatRate` draws rates.
// BarChart({ label, data: [{ label, value }], orientation?: "vertical" | "horizontal", format?,
//     valueLabel?, showShare?, colour?, height?, emptyText? })
//   One bar per category in the given order. Horizontal for long labels (feature keys).
// PieChart / DonutChart({ label, data: [{ label, value }], maxSlices? = 6, format?, valueLabel?,
//     height?, emptyText? })
//   Shares of a whole, the largest first; beyond maxSlices the rest are folded into "Other".
//   The donut shows the total in its middle.
//
// Formatters for `format` and for figures next to charts live in ~/lib/chart-data:
// formatCount, formatCompact, formatRate, formatRateDelta, formatCountDelta, formatInstant.
export { AreaChart, LineChart, type TimeChartProps, type TimeSeries } from "./TimeChart";
export { BarChart, type BarChartProps } from "./BarChart";
export { DonutChart, PieChart, type PieChartProps } from "./PieChart";
export { ChartFrame, type ChartTable, type LegendItem } from "./ChartFrame";
export { formatCount, formatRate, type Slice } from "../../lib/chart-data";
