// The chart components' data helpers, and what the charts render for screen readers (server render:
// the table alternative, the SVG's accessible name) — the same markup the browser receives first.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";
import { AreaChart, BarChart, DonutChart, LineChart, PieChart } from "../app/components/charts";
import {
  foldSlices, formatCountDelta, formatInstant, formatRate, formatRateDelta, shares, timeFormatter, valueMax,
} from "../app/lib/chart-data";

describe("chart data helpers", () => {
  test("rates are percentages with one decimal, unknown as a dash", () => {
    expect(formatRate(0.975)).toBe("97.5%");
    expect(formatRate(1)).toBe("100.0%");
    expect(formatRate(0)).toBe("0.0%");
    expect(formatRate(null)).toBe("—");
  });
  test("rate changes are in percentage points, count changes in percent", () => {
    expect(formatRateDelta(0.98, 0.965)).toBe("+1.5 pt");
    expect(formatRateDelta(0.9, 0.95)).toBe("−5.0 pt");
    expect(formatRateDelta(0.5, 0.5)).toBe("±0.0 pt");
    expect(formatRateDelta(0.5, null)).toBeNull();
    expect(formatCountDelta(125, 100)).toBe("+25%");
    expect(formatCountDelta(90, 100)).toBe("−10%");
    expect(formatCountDelta(5, 0)).toBeNull();
  });
  test("time labels follow the window's span, in UTC", () => {
    const at = new Date("2026-12-06T18:05:00Z");
    expect(timeFormatter(new Date("2026-12-06T17:00:00Z"), at)(at)).toBe("18:05");
    expect(timeFormatter(new Date("2026-12-01T00:00:00Z"), at)(at)).toBe("6 Dec, 18");
    expect(timeFormatter(new Date("2026-10-01T00:00:00Z"), at)(at)).toBe("6 Dec");
    expect(formatInstant(at)).toBe("06 Dec 2026, 18:05 UTC");
  });
  test("a long distribution keeps its largest slices and folds the rest into Other, total unchanged", () => {
    const slices = [
      { label: "a", value: 5 }, { label: "b", value: 50 }, { label: "c", value: 0 },
      { label: "d", value: 20 }, { label: "e", value: 3 }, { label: "f", value: 2 },
    ];
    expect(foldSlices(slices, 3)).toEqual([{ label: "b", value: 50 }, { label: "d", value: 20 }, { label: "Other", value: 10 }]);
    expect(foldSlices(slices, 5)).toEqual([
      { label: "b", value: 50 }, { label: "d", value: 20 }, { label: "a", value: 5 }, { label: "e", value: 3 }, { label: "f", value: 2 },
    ]);
    expect(shares([{ label: "x", value: 1 }, { label: "y", value: 3 }])).toEqual([0.25, 0.75]);
    expect(shares([{ label: "x", value: 0 }])).toEqual([0]);
  });
  test("the value axis reaches the largest value, and 1 when everything is zero or missing", () => {
    expect(valueMax([3, null, 12, undefined, 7])).toBe(12);
    expect(valueMax([0, null])).toBe(1);
  });
});

describe("charts render a table alternative and an accessible name", () => {
  const rows = [
    { at: "2026-12-06T18:00:00Z", n: 4, rate: 1 },
    { at: "2026-12-06T18:05:00Z", n: 9, rate: null },
  ];
  test("a line chart names its SVG and tabulates every point of every series", () => {
    const html = renderToStaticMarkup(createElement(LineChart<(typeof rows)[number]>, {
      label: "Evaluations per 5 minutes", rows, time: (r) => new Date(r.at),
      series: [{ label: "Evaluations", value: (r) => r.n }, { label: "Success rate", value: (r) => r.rate }],
    }));
    expect(html).toContain('role="img" aria-label="Evaluations per 5 minutes: 2 points from 18:00 to 18:05 UTC; latest Evaluations 9, Success rate —."');
    expect(html).toContain("<figcaption");
    expect(html).toContain("<summary>Show as table");
    expect(html).toContain('<th scope="row">18:00</th><td data-label="Evaluations">4</td><td data-label="Success rate">1</td>');
    expect(html).toContain('<th scope="row">18:05</th><td data-label="Evaluations">9</td><td data-label="Success rate">—</td>');
  });
  test("an empty area chart says so instead of drawing, and keeps the table's headers", () => {
    const html = renderToStaticMarkup(createElement(AreaChart<(typeof rows)[number]>, {
      label: "Volume", rows: [], time: (r) => new Date(r.at), series: [{ label: "Evaluations", value: (r) => r.n }], emptyText: "Nothing yet.",
    }));
    expect(html).not.toContain("<svg");
    expect(html).toContain("Nothing yet.");
    expect(html).toContain('<th scope="col">Time (UTC)</th><th scope="col">Evaluations</th>');
  });
  test("a bar chart draws one bar per category with shares in its table", () => {
    const html = renderToStaticMarkup(createElement(BarChart, {
      label: "Top features", orientation: "horizontal", showShare: true, valueLabel: "Evaluations",
      data: [{ label: "checkout", value: 30 }, { label: "search", value: 10 }],
    }));
    expect(html.match(/<rect/g)).toHaveLength(2);
    expect(html).toContain('<th scope="row">checkout</th><td data-label="Evaluations">30</td><td data-label="Share">75.0%</td>');
    expect(html).toContain("<title>search: 10</title>");
  });
  test("pie and donut draw one arc per slice; the donut shows the total", () => {
    const data = [{ label: "on", value: 3 }, { label: "off", value: 1 }];
    const pie = renderToStaticMarkup(createElement(PieChart, { label: "By variant", data }));
    const donut = renderToStaticMarkup(createElement(DonutChart, { label: "By variant", data }));
    expect(pie.match(/<path d=/g)).toHaveLength(2);
    expect(pie).toContain('aria-label="By variant: on 75.0%; off 25.0%"');
    expect(pie).not.toContain("chart-total");
    expect(donut).toContain('<text class="chart-total" text-anchor="middle" dominant-baseline="middle">4</text>');
  });
});
