// A planned trip, as the traveller reads it: the days with their times and places, the
// budget, the guide's advice, warnings, and what the models used.

import { budgetChart, positionsPlot } from "./charts.js";
import { h } from "./dom.js";
import { count, day, endTime, enumName, hours, minutes, moneyOf, usd } from "./format.js";

export function tripId(trip) {
  return String(trip.name || "").replace(/^trips\//, "");
}

export function renderTrip(trip) {
  const request = trip.request || {};
  const itinerary = trip.itinerary || {};
  const place = itinerary.destination || {};
  return h("article", { class: "trip", "data-trip": tripId(trip) },
    header(trip, request, itinerary, place),
    warnings(trip.warnings || []),
    h("section", { class: "days" }, h("h2", {}, "Day by day"),
      (itinerary.days || []).map((d, i) => dayCard(d, i, place))),
    budget(trip.estimate, request.budget),
    guide(trip.guide),
    usage(trip.usage || {}, trip.revisions || 0));
}

function header(trip, request, itinerary, place) {
  const days = itinerary.days || [];
  const range = days.length
    ? `${day(days[0].date, { day: "numeric", month: "long" })} – ${day(days[days.length - 1].date, { day: "numeric", month: "long", year: "numeric" })}`
    : request.startDate;
  const within = trip.estimate?.withinBudget;
  return h("header", { class: "trip-head" },
    h("p", { class: "eyebrow" }, [place.country, place.timeZone].filter(Boolean).join(" · ")),
    h("h1", {}, place.name || request.destination),
    h("p", { class: "facts" },
      h("span", {}, range),
      h("span", {}, `${request.days} day${request.days === 1 ? "" : "s"}`),
      h("span", {}, `${request.travelers} traveller${request.travelers === 1 ? "" : "s"}`),
      h("span", {}, `${enumName(request.pace || "PACE_BALANCED", "PACE_")} pace`),
      itinerary.travelStyle && h("span", {}, itinerary.travelStyle),
      trip.estimate && h("span", { class: within ? "badge ok" : "badge warn" },
        within ? "within budget" : "over budget")));
}

function warnings(list) {
  if (!list.length) return null;
  return h("section", { class: "warnings", role: "note" }, h("h2", {}, "Good to know"),
    h("ul", {}, list.map((w) => h("li", {}, w))));
}

function dayCard(d, index, place) {
  const activities = d.activities || [];
  const plot = positionsPlot(activities, place);
  return h("section", { class: "day card", "data-day": d.date },
    h("header", {},
      h("span", { class: "day-number" }, `Day ${index + 1}`),
      h("h3", {}, day(d.date, { weekday: "long", day: "numeric", month: "long" })),
      d.summary && h("p", { class: "muted" }, d.summary)),
    h("div", { class: plot ? "day-body" : "day-body single" },
      h("ol", { class: "timeline" }, activities.map((a, i) => activity(a, i))),
      plot && h("figure", { class: "plot-figure" }, plot, h("figcaption", {}, "Where the day goes"))));
}

function activity(a, index) {
  const mins = minutes(a.duration);
  const cost = a.cost && (Number(a.cost.units) || a.cost.nanos) ? moneyOf(a.cost) : "free";
  return h("li", { class: "activity" },
    h("div", { class: "time" }, h("strong", {}, a.startTime), h("span", {}, endTime(a.startTime, mins))),
    h("div", { class: "what" },
      h("p", { class: "title" }, h("span", { class: "index" }, String(index + 1)), a.title),
      a.description && h("p", { class: "muted" }, a.description),
      h("p", { class: "meta" },
        h("span", { class: "tag" }, a.category), h("span", {}, hours(mins)), h("span", {}, `${cost} per person`))));
}

function budget(estimate, cap) {
  if (!estimate) return null;
  return h("section", { class: "budget card" },
    h("h2", {}, "Budget"),
    h("div", { class: "figures" },
      figure("Total", moneyOf(estimate.total)),
      figure("Budget", moneyOf(cap)),
      figure(estimate.withinBudget ? "Left over" : "Over by", moneyOf(absolute(estimate.remaining))),
      figure("Per traveller", moneyOf(estimate.perTraveler))),
    budgetChart(estimate, cap),
    (estimate.lineItems || []).some((i) => i.description) && h("dl", { class: "items" },
      estimate.lineItems.flatMap((i) => [h("dt", {}, i.category), h("dd", {}, i.description)])),
    (estimate.savings || []).length > 0 && h("div", { class: "savings" }, h("h3", {}, "Ways to save"),
      h("ul", {}, estimate.savings.map((x) => h("li", {}, x)))),
    estimate.exchangeRateDate && h("p", { class: "muted small" }, `Exchange rates of ${estimate.exchangeRateDate}.`));
}

function absolute(m) {
  return m && { ...m, units: String(m.units || "0").replace("-", ""), nanos: Math.abs(m.nanos || 0) };
}

function figure(label, value) {
  return h("div", { class: "figure" }, h("span", {}, label), h("strong", {}, value));
}

function guide(advice) {
  if (!advice) return null;
  const byCategory = new Map();
  for (const tip of advice.tips || []) {
    byCategory.set(tip.category, [...(byCategory.get(tip.category) || []), tip.text]);
  }
  return h("section", { class: "guide card" },
    h("h2", {}, "Local advice"),
    h("p", { class: "muted" }, [advice.season && `Season: ${advice.season}`, advice.timeZone].filter(Boolean).join(" · ")),
    h("div", { class: "tips" }, [...byCategory].map(([category, texts]) =>
      h("div", { class: "tip" }, h("h3", {}, category), h("ul", {}, texts.map((t) => h("li", {}, t)))))),
    (advice.phrases || []).length > 0 && h("table", { class: "phrases" },
      h("caption", {}, "Useful phrases"),
      h("tbody", {}, advice.phrases.map((p) =>
        h("tr", {}, h("td", {}, p.english), h("td", { lang: p.language }, p.local))))));
}

function usage(u, revisions) {
  return h("section", { class: "usage card" },
    h("h2", {}, "How it was planned"),
    h("div", { class: "figures" },
      figure("Model calls", count(u.modelCalls)),
      figure("Tokens in", count(u.inputTokens)),
      figure("Tokens out", count(u.outputTokens)),
      figure("Model cost", usd(u.costUsd)),
      figure("Revisions", count(revisions))));
}

/** A line of the trips list. */
export function tripLink(trip) {
  const request = trip.request || {};
  const place = trip.itinerary?.destination?.name || request.destination;
  return h("li", {},
    h("a", { href: `/trips/${tripId(trip)}` },
      h("strong", {}, place),
      h("span", { class: "muted" }, `${request.startDate ? day(request.startDate) : ""} · ${request.days} d · ${moneyOf(trip.estimate?.total)}`)));
}
