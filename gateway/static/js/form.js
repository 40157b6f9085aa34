// The trip form: what it sends, and the API's field violations shown beside each field.

import { h } from "./dom.js";

export const INTERESTS = ["food", "history", "art", "culture", "architecture", "nature",
  "beach", "adventure", "nightlife", "shopping", "family", "wellness"];

export function fillInterests(form, chosen = ["food", "history"]) {
  const box = form.querySelector("#interests");
  box.replaceChildren(...INTERESTS.map((name) =>
    h("label", { class: "chip" },
      h("input", { type: "checkbox", name: "interests", value: name, checked: chosen.includes(name) }),
      h("span", {}, name))));
}

/** A PlanTripRequest (proto JSON) from the form's values, as typed: the API judges them. */
export function planRequest(form) {
  const data = new FormData(form);
  const number = (name) => (data.get(name) === "" ? 0 : Number(data.get(name)));
  const budget = String(data.get("budget") || "0");
  const [units, fraction = ""] = budget.split(".");
  return {
    destination: String(data.get("destination") || ""),
    startDate: String(data.get("startDate") || ""),
    days: number("days"),
    travelers: number("travelers"),
    budget: {
      currencyCode: String(data.get("currencyCode") || "").trim().toUpperCase(),
      units: units || "0",
      nanos: Number((fraction + "000000000").slice(0, 9)),
    },
    interests: data.getAll("interests").map(String),
    pace: String(data.get("pace") || "PACE_UNSPECIFIED"),
    requestId: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()),
  };
}

/** "startDate" for "start_date", "budget" for "budget.units", "interests" for "interests[2]". */
export function fieldOf(path) {
  const top = String(path).split(/[.[]/)[0];
  return top.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

/** Shows each violation beside its field (the form's own slot for fields it does not show). */
export function showViolations(form, violations, fallback) {
  clearErrors(form);
  for (const { field, description } of violations) {
    const name = fieldOf(field);
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`)
      || form.querySelector('[data-error-for=""]');
    slot.textContent = slot.textContent ? `${slot.textContent} ${description}` : description;
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
  }
  if (!violations.length && fallback) form.querySelector('[data-error-for=""]').textContent = fallback;
  form.querySelector("[aria-invalid]")?.focus();
}
