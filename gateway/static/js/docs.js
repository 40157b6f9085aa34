// /docs: every operation of /openapi.json with its fields (the protos' comments, required
// fields, bounds) and a form to try it against this gateway.

import { ApiError } from "./api.js";
import { h, replace } from "./dom.js";
import { installKeyDialog } from "./keys.js";
import { call } from "./try.js";

const REF = "#/components/schemas/";
let schemas = {};

/** Text with `code` spans, as elements (never as markup). */
function prose(text) {
  return String(text || "").split("\n\n").map((paragraph) =>
    h("p", {}, paragraph.split(/(`[^`]+`)/).map((part) =>
      part.startsWith("`") && part.endsWith("`") ? h("code", {}, part.slice(1, -1)) : part)));
}

function resolve(schema) {
  return schema && schema.$ref ? { ...schemas[schema.$ref.slice(REF.length)], ...schema, $ref: schema.$ref } : schema || {};
}

function typeName(schema) {
  if (schema.$ref) return schema.$ref.slice(REF.length).replace(/^tripmesh\.v1\./, "");
  if (schema.type === "array") return `${typeName(schema.items || {})}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || "any";
  return schema.format ? `${type} (${schema.format})` : type;
}

function constraints(schema) {
  const parts = [];
  if (schema.minimum !== undefined && schema.minimum > -2147483648) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && schema.maximum < 2147483647) parts.push(`≤ ${schema.maximum}`);
  if (schema.maxLength !== undefined) parts.push(`≤ ${schema.maxLength} chars`);
  if (schema.maxItems !== undefined) parts.push(`≤ ${schema.maxItems} items`);
  if (schema.items?.maxLength !== undefined) parts.push(`each ≤ ${schema.items.maxLength} chars`);
  const resolved = resolve(schema);
  if (resolved.enum) parts.push(`one of ${resolved.enum.join(", ")}`);
  return parts.join(", ");
}

/** A table of an object's fields; message-typed fields open to their own fields. */
function fieldsTable(schema, depth = 0) {
  const object = resolve(schema);
  const required = new Set(object.required || []);
  const rows = Object.entries(object.properties || {}).map(([name, field]) => {
    const nested = resolve(field.type === "array" ? field.items : field);
    const expandable = depth < 2 && nested.properties && Object.keys(nested.properties).length;
    return h("tr", {},
      h("td", {}, h("code", {}, name), required.has(name) && h("span", { class: "required" }, "required")),
      h("td", {}, h("span", { class: "type" }, typeName(field)), constraints(field) && h("span", { class: "muted small" }, ` ${constraints(field)}`)),
      h("td", {}, prose(field.description || nested.description || ""),
        expandable && h("details", {}, h("summary", {}, `fields of ${typeName(field)}`), fieldsTable(nested, depth + 1))));
  });
  return rows.length ? h("table", { class: "fields" }, h("tbody", {}, rows)) : h("p", { class: "muted" }, "No fields.");
}

function parametersTable(parameters) {
  return h("table", { class: "fields" }, h("tbody", {}, parameters.map((p) =>
    h("tr", {},
      h("td", {}, h("code", {}, p.name), p.required && h("span", { class: "required" }, "required")),
      h("td", {}, h("span", { class: "type" }, `${p.in} · ${typeName(p.schema || {})}`)),
      h("td", {}, prose(p.description || p.schema?.description || ""))))));
}

/** A body to start from: every required field with a plausible value. */
function example(schema, depth = 0) {
  const s = resolve(schema);
  if (s.enum) return s.enum[Math.min(1, s.enum.length - 1)];
  if (s.type === "array") return [];
  if (s.type === "object" || s.properties) {
    const out = {};
    for (const name of s.required || []) out[name] = depth < 3 ? example(s.properties[name], depth + 1) : {};
    if (s.title === "Money") return { currencyCode: "EUR", units: "1500" };
    return out;
  }
  if (s.type === "integer") return Math.max(s.minimum ?? 1, Math.min(2, s.maximum ?? 2));
  if (s.type === "boolean") return false;
  if (/YYYY-MM-DD/.test(s.description || "")) {
    const start = new Date(Date.now() + 30 * 86400000);
    return start.toISOString().slice(0, 10);
  }
  return /destination/i.test(s.description || "") || /Lisbon/.test(s.description || "") ? "Lisbon" : "";
}

function tryForm(method, path, operation) {
  const parameters = operation.parameters || [];
  const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
  const output = h("pre", { class: "response", hidden: true });
  const inputs = parameters.map((p) => h("label", { class: "param" }, h("span", {}, p.name),
    h("input", { name: p.name, "data-in": p.in, placeholder: p.in === "path" ? "required" : "optional" })));
  const body = bodySchema && h("textarea", { name: "body", rows: 8, spellcheck: "false" },
    JSON.stringify(example(bodySchema), null, 2));
  const form = h("form", { class: "try" }, inputs, body,
    h("button", { type: "submit" }, `${method.toUpperCase()} ${path}`), output);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    output.hidden = false;
    output.textContent = "…";
    try {
      const values = Object.fromEntries(inputs.map((l) => l.querySelector("input")).map((i) => [i.name, i]));
      const result = await call(method, path, parameters, values, body?.value, operation["x-server-streaming"]);
      output.className = "response ok";
      output.textContent = `${result.status}\n${result.text}`;
    } catch (error) {
      output.className = "response bad";
      output.textContent = error instanceof ApiError
        ? `${error.httpStatus}\n${JSON.stringify(error.status, null, 2)}` : String(error.message);
    }
  });
  return h("details", { class: "try-it" }, h("summary", {}, "Try it"), form);
}

function operationCard(method, path, operation) {
  const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
  const success = operation.responses?.["200"]?.content || {};
  const responseSchema = (success["application/json"] || success["application/x-ndjson"] || {}).schema;
  return h("section", { class: `op card ${method}`, id: operation.operationId },
    h("h3", {}, h("span", { class: `verb ${method}` }, method.toUpperCase()), h("code", {}, path),
      operation["x-server-streaming"] && h("span", { class: "muted small" }, "server stream: SSE or NDJSON")),
    h("p", { class: "summary" }, operation.summary),
    prose(operation.description),
    (operation.parameters || []).length > 0 && [h("h4", {}, "Parameters"), parametersTable(operation.parameters)],
    bodySchema && [h("h4", {}, `Body · ${typeName(bodySchema)}`), fieldsTable(bodySchema)],
    responseSchema && h("details", {}, h("summary", {}, `Response · ${typeName(responseSchema.properties?.result || responseSchema)}`),
      fieldsTable(responseSchema.properties?.result || responseSchema)),
    tryForm(method, path, operation));
}

async function main() {
  installKeyDialog();
  const document_ = await (await fetch("/openapi.json")).json();
  schemas = document_.components.schemas;
  replace(document.getElementById("intro"),
    h("h1", {}, document_.info.title, " ", h("small", { class: "muted" }, document_.info.version)),
    prose(document_.info.description),
    h("p", {}, "Machine-readable: ", h("a", { href: "/openapi.json" }, "/openapi.json")));
  const byTag = new Map((document_.tags || []).map((t) => [t.name, { ...t, operations: [] }]));
  for (const [path, methods] of Object.entries(document_.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const tag = (operation.tags || ["API"])[0];
      if (!byTag.has(tag)) byTag.set(tag, { name: tag, operations: [] });
      byTag.get(tag).operations.push([method, path, operation]);
    }
  }
  const groups = [...byTag.values()].filter((g) => g.operations.length);
  replace(document.getElementById("toc"), groups.map((g) => h("div", {}, h("strong", {}, g.name),
    h("ul", {}, g.operations.map(([method, path, op]) =>
      h("li", {}, h("a", { href: `#${op.operationId}` }, h("span", { class: `verb ${method}` }, method.toUpperCase()), ` ${path}`)))))));
  replace(document.getElementById("operations"), groups.map((g) =>
    h("section", { class: "api-tag" }, h("h2", {}, g.name), prose(g.description),
      g.operations.map(([method, path, op]) => operationCard(method, path, op)))));
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

main();
