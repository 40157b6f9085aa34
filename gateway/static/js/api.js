// The gateway's HTTP/JSON API: requests, Server-Sent Events, errors as google.rpc.Status,
// and the API key (asked once when the gateway wants one, kept for the tab's session).

const KEY = "tripmesh.apiKey";
const BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

/** A failed call: `status` is the google.rpc.Status the gateway answered with. */
export class ApiError extends Error {
  constructor(status, httpStatus) {
    super(status.message || `HTTP ${httpStatus}`);
    this.status = status;
    this.httpStatus = httpStatus;
  }

  get reason() {
    const info = (this.status.details || []).find((d) => d["@type"] === ERROR_INFO);
    return info ? info.reason : "";
  }

  /** [{field, description}] of the status's BadRequest, if any. */
  get fieldViolations() {
    return (this.status.details || [])
      .filter((d) => d["@type"] === BAD_REQUEST)
      .flatMap((d) => d.fieldViolations || []);
  }
}

let askKey = async () => null;

/** How to ask the user for a key (a dialog); it resolves to the key or null. */
export function onKeyNeeded(ask) {
  askKey = ask;
}

function headers(extra) {
  const key = sessionStorage.getItem(KEY);
  return { ...extra, ...(key ? { authorization: `Bearer ${key}` } : {}) };
}

async function statusOf(response) {
  try {
    return await response.json();
  } catch {
    return { code: 2, message: `HTTP ${response.status} ${response.statusText}`, details: [] };
  }
}

/** fetch() with the key; a 401 or 403 asks for a key once and tries again. */
async function send(method, path, body, accept = "application/json", extra = {}) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(path, {
      method,
      headers: headers({ ...extra, accept, ...(body ? { "content-type": "application/json" } : {}) }),
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.ok) return response;
    const error = new ApiError(await statusOf(response), response.status);
    const keyProblem = error.reason === "API_KEY_MISSING" || error.reason === "API_KEY_INVALID";
    if (!keyProblem || attempt > 0) throw error;
    const key = await askKey(error.reason);
    if (!key) throw error;
    sessionStorage.setItem(KEY, key);
  }
}

export async function get(path) {
  return (await send("GET", path)).json();
}

export async function post(path, body) {
  return (await send("POST", path, body)).json();
}

/**
 * Calls a streaming method with Accept: text/event-stream and calls `onMessage` with each
 * message; a stream that ends with `event: error` throws its Status as an ApiError.
 * `timeout` (seconds) asks for a longer deadline than the gateway's default, for watches.
 */
export async function stream(method, path, body, onMessage, { signal, timeout } = {}) {
  const extra = timeout ? { "grpc-timeout": `${Math.round(timeout)}S` } : {};
  const response = await send(method, path, body, "text/event-stream", extra);
  for await (const event of events(response.body, signal)) {
    const data = JSON.parse(event.data);
    if (event.type === "error") throw new ApiError(data, 200);
    onMessage(data);
  }
}

/** Server-Sent Events of a response body: {type, data} per event. */
async function* events(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal?.addEventListener("abort", () => reader.cancel());
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll("\r\n", "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { type: "message", data: "" };
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "event") event.type = value;
        else if (name === "data") event.data += (event.data ? "\n" : "") + value;
      }
      if (event.data) yield event;
    }
  }
}
