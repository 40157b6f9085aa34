// The travellers' page: "/" plans a trip (progress streamed live), "/trips/{id}" shows one.

import { ApiError, get, stream } from "./api.js";
import { h, replace } from "./dom.js";
import { clearErrors, fillInterests, planRequest, showViolations } from "./form.js";
import { installKeyDialog } from "./keys.js";
import { renderTrip, tripId, tripLink } from "./trip.js";

const form = document.getElementById("plan");
const view = document.getElementById("trip");
const progress = document.getElementById("progress");
const list = document.getElementById("trip-list");
const more = document.getElementById("more-trips");
let nextPage = "";

function defaultStart() {
  const start = new Date();
  start.setDate(start.getDate() + 30);
  return start.toISOString().slice(0, 10);
}

function stageLabel(stage) {
  return String(stage || "").replace("PLAN_STAGE_", "").toLowerCase().replaceAll("_", " ");
}

function showProgress(event) {
  progress.hidden = false;
  for (const item of progress.querySelectorAll(".current")) item.classList.remove("current");
  progress.append(h("li", { class: "current", "data-stage": event.stage },
    h("strong", {}, stageLabel(event.stage)), h("span", {}, event.message)));
}

function showTrip(trip) {
  replace(view, renderTrip(trip));
  document.title = `tripmesh · ${trip.itinerary?.destination?.name || trip.request?.destination}`;
}

function showFailure(error) {
  replace(view, h("div", { class: "failure card", role: "alert" },
    h("h2", {}, "That did not work"), h("p", {}, error.message)));
}

async function plan(event) {
  event.preventDefault();
  clearErrors(form);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  replace(progress);
  replace(view);
  // on a phone the form sits above the result: follow the plan as it comes
  if (matchMedia("(max-width: 860px)").matches) view.parentElement.scrollIntoView({ behavior: "smooth" });
  let trip = null;
  try {
    await stream("POST", "/v1/trips:stream", planRequest(form), (message) => {
      showProgress(message);
      if (message.stage === "PLAN_STAGE_COMPLETED") trip = message.trip;
    });
    if (trip) {
      history.pushState({}, "", `/trips/${tripId(trip)}`);
      showTrip(trip);
      loadTrips(true);
    }
  } catch (error) {
    if (error instanceof ApiError && error.fieldViolations.length) {
      progress.hidden = true;
      showViolations(form, error.fieldViolations);
    } else {
      showFailure(error);
    }
  } finally {
    button.disabled = false;
    progress.querySelector(".current")?.classList.remove("current");
  }
}

async function loadTrips(fresh = false) {
  if (fresh) nextPage = "";
  try {
    const page = await get(`/v1/trips?pageSize=10${nextPage ? `&pageToken=${encodeURIComponent(nextPage)}` : ""}`);
    const items = (page.trips || []).map(tripLink);
    if (fresh || !nextPage) replace(list, ...items);
    else list.append(...items);
    if (!list.children.length) replace(list, h("li", { class: "muted" }, "No trips yet."));
    nextPage = page.nextPageToken || "";
    more.hidden = !nextPage;
  } catch (error) {
    replace(list, h("li", { class: "muted" }, `Trips could not be listed: ${error.message}`));
  }
}

async function openTrip(id) {
  replace(view, h("p", { class: "muted" }, "Loading the trip…"));
  try {
    showTrip(await get(`/v1/trips/${encodeURIComponent(id)}`));
  } catch (error) {
    showFailure(error);
  }
}

installKeyDialog();
fillInterests(form);
form.startDate.value = defaultStart();
form.addEventListener("submit", plan);
more.addEventListener("click", () => loadTrips());
const match = location.pathname.match(/^\/trips\/([^/]+)$/);
if (match) openTrip(decodeURIComponent(match[1]));
loadTrips(true);
