// SVG charts drawn from the trip itself: the budget's line items against the budget, and a
// day's activities at their positions (an equirectangular projection; no map tiles).

import { s } from "./dom.js";
import { amount, money } from "./format.js";

const PALETTE = ["#0f766e", "#d97706", "#4f46e5", "#be185d", "#15803d", "#0369a1", "#a16207", "#7c3aed"];

/** Horizontal bars, one per line item, and the total, on one scale with the budget marked. */
export function budgetChart(estimate, budget) {
  const items = (estimate.lineItems || []).map((item) => ({ label: item.category, value: amount(item.amount) }));
  const total = amount(estimate.total);
  const cap = amount(budget);
  const currency = (estimate.total || budget || {}).currencyCode || "";
  const scale = Math.max(total, cap, 1);
  const width = 560, labelWidth = 110, valueWidth = 90, row = 30;
  const barWidth = width - labelWidth - valueWidth;
  const rows = [...items, { label: "total", value: total, total: true }];
  const height = rows.length * row + 34;
  const x = (value) => labelWidth + (value / scale) * barWidth;
  const chart = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart budget-chart", role: "img",
    "aria-label": `Costs ${money(total, currency)} against a budget of ${money(cap, currency)}` });
  let offset = 0;
  rows.forEach((item, index) => {
    const y = index * row + 8;
    chart.append(s("text", { x: labelWidth - 10, y: y + 15, class: "label", "text-anchor": "end" }, item.label));
    if (item.total) {
      items.forEach((part, i) => {
        chart.append(s("rect", { x: x(offset), y, width: Math.max(0, x(offset + part.value) - x(offset)),
          height: 20, fill: PALETTE[i % PALETTE.length] }, s("title", {}, `${part.label}: ${money(part.value, currency)}`)));
        offset += part.value;
      });
    } else {
      chart.append(s("rect", { x: labelWidth, y: y + 3, width: Math.max(1, x(item.value) - labelWidth), height: 14, rx: 3,
        fill: PALETTE[index % PALETTE.length] }));
    }
    chart.append(s("text", { x: width - 4, y: y + 15, class: item.total ? "value strong" : "value", "text-anchor": "end" },
      money(item.value, currency)));
  });
  const bx = x(cap);
  const over = total > cap;
  chart.append(
    s("line", { x1: bx, x2: bx, y1: 2, y2: height - 24, class: over ? "budget-line over" : "budget-line" }),
    s("text", { x: Math.min(bx, width - valueWidth - 4), y: height - 8, class: "label budget-label", "text-anchor": "middle" },
      `budget ${money(cap, currency)}`),
  );
  return chart;
}

/** A day's activities at their positions, numbered in order and joined by the day's route. */
export function positionsPlot(activities, destination) {
  const points = activities
    .map((activity, index) => ({ activity, index, location: activity.location }))
    .filter((p) => p.location && (p.location.latitude || p.location.longitude));
  if (!points.length) return null;
  const centre = destination && (destination.latitude || destination.longitude)
    ? { latitude: destination.latitude, longitude: destination.longitude } : points[0].location;
  const kmPerDegree = 111.32;
  const cos = Math.cos((centre.latitude * Math.PI) / 180);
  const project = (loc) => ({
    x: (loc.longitude - centre.longitude) * kmPerDegree * cos,
    y: -(loc.latitude - centre.latitude) * kmPerDegree,
  });
  const projected = points.map((p) => ({ ...p, ...project(p.location) }));
  const extent = Math.max(1, ...projected.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y)))) * 1.15;
  const size = 220, half = size / 2;
  const px = (v) => half + (v / extent) * (half - 14);
  const plot = s("svg", { viewBox: `0 0 ${size} ${size}`, class: "chart plot", role: "img",
    "aria-label": `Where the day's ${points.length} activities are` });
  plot.append(
    s("rect", { x: 0, y: 0, width: size, height: size, rx: 10, class: "plot-bg" }),
    s("circle", { cx: half, cy: half, r: (half - 14) / 2, class: "plot-ring" }),
    s("circle", { cx: half, cy: half, r: half - 14, class: "plot-ring" }),
    s("circle", { cx: half, cy: half, r: 3, class: "plot-centre" }, s("title", {}, destination?.name || "centre")),
    s("polyline", { points: projected.map((p) => `${px(p.x)},${px(p.y)}`).join(" "), class: "plot-route" }),
  );
  for (const p of projected) {
    plot.append(s("g", { class: "plot-point", transform: `translate(${px(p.x)},${px(p.y)})` },
      s("title", {}, `${p.index + 1}. ${p.activity.title}`),
      s("circle", { r: 9 }),
      s("text", { y: 4, "text-anchor": "middle" }, String(p.index + 1))));
  }
  const ringKm = extent / 2;
  plot.append(s("text", { x: size - 8, y: size - 8, class: "plot-scale", "text-anchor": "end" },
    `inner ring ${ringKm < 10 ? ringKm.toFixed(1) : Math.round(ringKm)} km`));
  return plot;
}
