// bench/graphql.sh's check that two servers answer the same data, before any load.
//
//   node compare.js get  A.json B.json ID   workload (a): the user with id ID
//   node compare.js list A.json B.json N    workload (b): N conversations, each with its user
//
// A and B are Cairn's and PostGraphile's GraphQL answers (labels: COMPARE_LABELS="Cairn,PostGraphile",
// the default), or, for the optional REST reference, Cairn's data-API answer and Cairn's GraphQL
// answer. The rows are found in each answer by its shape: GraphQL data.user and data.conversations
// (PostGraphile's under .nodes); the data API's row itself (a GET by id) or its data array (a list).
// Both GraphQL documents alias their fields to the same names (user, conversations, user) and
// select the same fields, so the rows compare field by field. Values are compared after one
// normalisation: a timestamp string is compared as the instant it denotes (two PostgreSQL sessions
// may render offsets differently); everything else must be equal as JSON. Fails (exit 1, with the
// first difference) on an answer with "errors", without data, with other rows, or with a
// difference; prints a one-line summary otherwise.
"use strict";
const fs = require("fs");

const [mode, fileA, fileB, arg] = process.argv.slice(2);
if (!["get", "list"].includes(mode) || !fileA || !fileB || !arg) {
  console.error("usage: node compare.js get|list A.json B.json ID|N");
  process.exit(2);
}
const [labelA, labelB] = (process.env.COMPARE_LABELS || "Cairn,PostGraphile").split(",");

function fail(message) {
  console.error(message);
  process.exit(1);
}

// The rows of one answer: the user (get) or the list of conversations (list).
function rows(file, who) {
  let doc;
  const text = fs.readFileSync(file, "utf8");
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail(`${who}: not JSON (${e.message}): ${text.slice(0, 2000)}`);
  }
  if (!doc || typeof doc !== "object" || doc.errors) fail(`${who}: the answer has errors: ${text.slice(0, 2000)}`);
  const data = doc.data;
  if (mode === "get") {
    if (data && typeof data === "object" && "user" in data) return data.user;   // GraphQL
    if (!data && "id" in doc) return doc;                                       // the data API's row
  } else {
    if (data && data.conversations) {
      return Array.isArray(data.conversations) ? data.conversations : data.conversations.nodes;
    }
    if (Array.isArray(data)) return data;                                       // the data API's list
  }
  fail(`${who}: no ${mode === "get" ? "user" : "conversations"} in the answer: ${text.slice(0, 2000)}`);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)$/;
function normal(v) {
  if (typeof v === "string" && ISO.test(v)) return { instant: new Date(v).toISOString() };
  if (Array.isArray(v)) return v.map(normal);
  if (v && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = normal(v[k]);
    return out;
  }
  return v;
}

function diff(a, b, path) {
  const show = () => `${path}: ${labelA} ${JSON.stringify(a)}, ${labelB} ${JSON.stringify(b)}`;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return show();
  if (a && typeof a === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (!(k in a) || !(k in b)) return `${path}.${k}: only in ${k in a ? labelA : labelB}`;
      const d = diff(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : show();
}

const a = rows(fileA, labelA);
const b = rows(fileB, labelB);
if (mode === "get") {
  const id = Number(arg);
  for (const [who, row] of [[labelA, a], [labelB, b]]) {
    if (!row || row.id !== id) fail(`${who}: not the row with id ${id}: ${JSON.stringify(row)}`);
  }
} else {
  const n = Number(arg);
  for (const [who, list] of [[labelA, a], [labelB, b]]) {
    if (!Array.isArray(list) || list.length !== n) fail(`${who}: not ${n} rows: ${JSON.stringify(list).slice(0, 2000)}`);
    list.forEach((r, i) => {
      if (!r || !r.user || typeof r.user.id !== "number") fail(`${who}: row ${i} has no user: ${JSON.stringify(r)}`);
    });
  }
}
const d = diff(normal(a), normal(b), "data");
if (d) fail(`${labelA} and ${labelB} answer different data: first difference at ${d}`);
const n = Array.isArray(a) ? a.length : 1;
const fields = (JSON.stringify(Array.isArray(a) ? a[0] : a).match(/"[A-Za-z_]+":/g) || []).length;
console.log(`same data: ${n} row(s), ${fields} fields in the first (nested included)`);
