// The operators' page: each service's health and instances, the monitor's rolling
// latency and error figures, and alerts as they fire and resolve (WatchAlerts as SSE).

import { get, stream } from "./api.js";
import { h, replace } from "./dom.js";
import { count, usd } from "./format.js";
import { installKeyDialog } from "./keys.js";
import { installWaterfall } from "./waterfall.js";

const REFRESH_MS = 5000;
const WATCH_SECONDS = 3600;
const services = document.getElementById("services");
const stats = document.getElementById("stats");
const alerts = document.getElementById("alerts");

function statusBadge(status) {
  return h("span", { class: `status ${status === "SERVING" ? "SERVING" : "bad"}`, "data-status": status }, status);
}

async function showServices() {
  try {
    const mesh = await get("/v1/mesh");
    replace(services, ...mesh.services.map((service) =>
      h("div", { class: "service card", "data-service": service.name, "data-status": service.status },
        h("h3", {}, service.name, statusBadge(service.status)),
        h("ul", { class: "instances" }, service.instances.length
          ? service.instances.map((i) => h("li", { title: i.instanceId }, `${i.address} `, i.status === "SERVING" ? "" : i.status))
          : h("li", {}, "no instance in discovery")))));
  } catch (error) {
    replace(services, h("p", { class: "error" }, `The mesh could not be read: ${error.message}`));
  }
}

const ms = (duration) => `${(parseFloat(duration || "0") * 1000).toFixed(1)} ms`;

function statsRow(row) {
  const errors = Number(row.errorCount || 0);
  return h("tr", { class: errors ? "erring" : "" },
    h("td", {}, row.service.replace("tripmesh-", "")),
    h("td", {}, row.kind === "EXECUTION_KIND_MODEL" ? `model ${row.subject}` : row.subject.replace("/tripmesh.v1.", "")),
    h("td", { class: "num" }, count(row.count)),
    h("td", { class: "num" }, `${((row.errorRate || 0) * 100).toFixed(1)} %`),
    h("td", { class: "num" }, ms(row.p50)),
    h("td", { class: "num" }, ms(row.p95)),
    h("td", { class: "num" }, ms(row.p99)),
    h("td", { class: "num" }, row.kind === "EXECUTION_KIND_MODEL" ? usd(row.costUsd) : ""));
}

async function showStats() {
  try {
    const reply = await get("/v1/stats?window=STATS_WINDOW_FIVE_MINUTES");
    const rows = (reply.stats || []).filter((r) => r.kind !== "EXECUTION_KIND_TOOL")
      .sort((a, b) => a.service.localeCompare(b.service) || a.subject.localeCompare(b.subject));
    if (!rows.length) {
      replace(stats, h("p", { class: "muted" }, "No executions in the last five minutes."));
      return;
    }
    replace(stats, h("table", { class: "stats" },
      h("thead", {}, h("tr", {}, ["service", "method or model"].map((t) => h("th", {}, t)),
        ["calls", "errors", "p50", "p95", "p99", "cost"].map((t) => h("th", { class: "num" }, t)))),
      h("tbody", {}, rows.map(statsRow))));
  } catch (error) {
    replace(stats, h("p", { class: "error" }, `Statistics could not be read: ${error.message}`));
  }
}

function showAlert({ alert }) {
  document.getElementById("no-alerts")?.remove();
  const time = (alert.state === "ALERT_STATE_RESOLVED" ? alert.endTime : alert.startTime) || "";
  const item = h("li", { class: `alert ${alert.state}`, "data-alert": alert.name, "data-state": alert.state },
    h("strong", {}, alert.rule), alert.summary,
    h("span", { class: "muted small" }, ` · ${alert.state === "ALERT_STATE_RESOLVED" ? "resolved" : "firing since"} ${time.replace("T", " ").slice(0, 19)}`));
  alerts.querySelector(`[data-alert="${CSS.escape(alert.name)}"]`)?.remove();
  alerts.prepend(item);
}

async function watchAlerts() {
  for (;;) {
    try {
      await stream("GET", "/v1/alerts:watch?includeCurrent=true", null, showAlert, { timeout: WATCH_SECONDS });
    } catch (error) {
      console.warn("alert watch ended:", error.message);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

installKeyDialog();
showServices();
showStats();
setInterval(showServices, REFRESH_MS);
setInterval(showStats, REFRESH_MS);
watchAlerts();
installWaterfall(document.getElementById("waterfall-form"), document.getElementById("waterfall"));
