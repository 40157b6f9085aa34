// The API key dialog: shown when the gateway refuses a call for want of a key; the key is
// kept in sessionStorage (this tab only) by api.js.

import { onKeyNeeded } from "./api.js";
import { h } from "./dom.js";

function keyDialog() {
  const input = h("input", { id: "api-key", name: "key", type: "password", autocomplete: "off", required: true });
  const note = h("p", { class: "error" });
  const dialog = h("dialog", { id: "key-dialog" },
    h("form", { method: "dialog" },
      h("h2", {}, "API key"),
      h("p", {}, "This gateway asks for an API key. It is kept for this browser tab only."),
      input, note,
      h("div", { class: "actions" }, h("button", { value: "ok" }, "Continue"))));
  document.body.append(dialog);
  return { dialog, input, note };
}

export function installKeyDialog() {
  let parts = null;
  onKeyNeeded((reason) => new Promise((resolve) => {
    parts ||= keyDialog();
    parts.input.value = "";
    parts.note.textContent = reason === "API_KEY_INVALID" ? "That key was not accepted." : "";
    parts.dialog.addEventListener("close", () => resolve(parts.input.value.trim() || null), { once: true });
    parts.dialog.showModal();
  }));
}
