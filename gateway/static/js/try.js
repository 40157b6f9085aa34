// "Try it" on /docs: an operation's path and query parameters and JSON body, sent with
// the session's API key; a stream's events are shown as they arrive, in full at the end.

import { get, post, stream } from "./api.js";

/** {status, text} of calling `method path` with the form's values. */
export async function call(method, template, parameters, inputs, bodyText, streaming) {
  let path = template;
  const query = new URLSearchParams();
  for (const p of parameters) {
    const value = inputs[p.name]?.value.trim();
    if (p.in === "path") path = path.replace(`{${p.name}}`, encodeURIComponent(value || ""));
    else if (value) query.append(p.name, value);
  }
  const url = query.size ? `${path}?${query}` : path;
  const body = bodyText ? JSON.parse(bodyText) : null;
  if (streaming) {
    const events = [];
    await stream(method.toUpperCase(), url, body, (message) => events.push(message), { timeout: 60 });
    return { status: "200 · events", text: events.map((e) => JSON.stringify(e)).join("\n") };
  }
  const reply = method === "get" ? await get(url) : await post(url, body || {});
  return { status: "200", text: JSON.stringify(reply, null, 2) };
}
