// A trip's waterfall: the monitor's executions under the trip's trace id (every RPC, tool
// and model call, from every service) on one time line, as SVG.

import { get } from "./api.js";
import { h, s } from "./dom.js";
import { count, usd } from "./format.js";

/** Seconds since the epoch of an RFC 3339 time, keeping the sub-millisecond digits. */
function instant(text) {
  const fraction = (text.match(/\.(\d+)/) || ["", "0"])[1];
  return Date.parse(text.replace(/\.\d+/, "")) / 1000 + Number(`0.${fraction}`);
}

function label(e) {
  const service = e.service.replace("tripmesh-", "");
  if (e.kind === "EXECUTION_KIND_MODEL") return `${service} · model ${e.model}`;
  if (e.kind === "EXECUTION_KIND_TOOL") return `${service} · tool ${e.tool.replace("tools/", "")}`;
  // a gRPC method by its name; the gateway's requests as their route ("POST /v1/trips:plan")
  return `${service} · ${e.method.startsWith("/") ? e.method.split("/").pop() : e.method}`;
}

function kindClass(e) {
  if (e.code !== "OK") return "failed";
  return { EXECUTION_KIND_MODEL: "model", EXECUTION_KIND_TOOL: "tool" }[e.kind] || "rpc";
}

/** The waterfall of `executions` (ExecutionRecord JSON, in start order). */
export function waterfall(executions) {
  const rows = executions.map((e) => ({ e, start: instant(e.startTime), duration: parseFloat(e.duration) }));
  const t0 = Math.min(...rows.map((r) => r.start));
  const span = Math.max(...rows.map((r) => r.start + r.duration - t0), 0.001);
  const width = 1000, labelWidth = 300, valueWidth = 190, row = 22, top = 26;
  const barWidth = width - labelWidth - valueWidth;
  const x = (t) => labelWidth + (t / span) * barWidth;
  const chart = s("svg", { viewBox: `0 0 ${width} ${top + rows.length * row + 6}`, class: "chart waterfall", role: "img",
    "aria-label": `${rows.length} executions over ${(span * 1000).toFixed(0)} ms` });
  for (let i = 0; i <= 4; i++) {
    const t = (span * i) / 4;
    chart.append(s("line", { x1: x(t), x2: x(t), y1: top - 6, y2: top + rows.length * row, class: "grid" }),
      s("text", { x: x(t), y: 12, "text-anchor": "middle", class: "tick" }, `${(t * 1000).toFixed(0)} ms`));
  }
  rows.forEach(({ e, start, duration }, i) => {
    const y = top + i * row;
    const tokens = e.kind === "EXECUTION_KIND_MODEL"
      ? ` · ${count(e.inputTokens)}/${count(e.outputTokens)} tok · ${usd(e.costUsd)}` : "";
    const detail = `${(duration * 1000).toFixed(1)} ms${e.code === "OK" ? "" : ` · ${e.code}`}${tokens}`;
    chart.append(s("g", { class: `waterfall-row ${kindClass(e)}`, "data-kind": e.kind },
      s("title", {}, `${label(e)} (${e.instanceId})\nstart +${((start - t0) * 1000).toFixed(1)} ms, ${detail}`),
      s("text", { x: labelWidth - 8, y: y + 14, "text-anchor": "end" }, label(e)),
      s("rect", { x: x(start - t0), y: y + 4, width: Math.max(2, x(start - t0 + duration) - x(start - t0)), height: 13, rx: 2,
        class: kindClass(e) }),
      s("text", { x: width - 4, y: y + 14, "text-anchor": "end", class: "value" }, detail)));
  });
  return chart;
}

/** Fills the trip chooser and shows the chosen trip's waterfall in `target`. */
export async function installWaterfall(form, target) {
  const select = form.querySelector("select");
  try {
    const page = await get("/v1/trips?pageSize=10");
    for (const trip of page.trips || []) {
      const id = trip.name.replace("trips/", "");
      select.append(h("option", { value: id }, `${trip.request.destination} · ${trip.request.startDate} · ${id.slice(0, 8)}`));
    }
  } catch {
    /* the chooser stays empty; the section says so when used */
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!select.value) return;
    target.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    try {
      const trip = await get(`/v1/trips/${encodeURIComponent(select.value)}`);
      if (!trip.traceId) throw new Error("this trip was stored without a trace id");
      const reply = await get(`/v1/executions?traceId=${trip.traceId}`);
      const executions = reply.executions || [];
      target.replaceChildren(executions.length
        ? waterfall(executions)
        : h("p", { class: "muted" }, "The monitor no longer holds this trip's executions (it keeps recent traces)."),
      h("p", { class: "muted small" }, `trace ${trip.traceId} · ${executions.length} executions`));
    } catch (error) {
      target.replaceChildren(h("p", { class: "error" }, error.message));
    }
  });
}
