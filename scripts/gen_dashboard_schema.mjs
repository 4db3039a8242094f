#!/usr/bin/env node
// Derives grafana_as_code/dashboards/dashboard.schema.json from the npm package @grafana/schema.
//
// @grafana/schema ships no JSON Schema: the dashboard v1 model is published as TypeScript declarations generated
// from Grafana's CUE (dist/types/raw/dashboard/x/types.gen.d.ts) plus runtime defaults (dist/esm/.../types.gen.mjs).
// We read the declarations with the TypeScript compiler API and translate each interface, type alias and enum into
// a JSON Schema definition, then attach the runtime defaults, so the schema follows the pinned package version
// instead of being written by hand. A few deliberate deviations are listed in OVERRIDES, each with its reason.
//
// Usage (from the repository root):  node_modules/node/bin/node scripts/gen_dashboard_schema.mjs [--check]
// --check exits non-zero when the committed file differs from what would be generated (for CI).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(ROOT, "package.json"));
const ts = require("typescript");

const PACKAGE_DIR = join(ROOT, "node_modules", "@grafana", "schema");
const DECLARATIONS = join(PACKAGE_DIR, "dist/types/raw/dashboard/x/types.gen.d.ts");
const DEFAULTS = join(PACKAGE_DIR, "dist/esm/raw/dashboard/x/types.gen.mjs");
const OUTPUT = join(ROOT, "grafana_as_code/dashboards/dashboard.schema.json");

const packageVersion = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")).version;
const source = ts.createSourceFile(DECLARATIONS, readFileSync(DECLARATIONS, "utf8"), ts.ScriptTarget.Latest, true);

// Enum values, needed to resolve member references such as `MappingType.ValueToText`.
const enumValues = new Map();
for (const statement of source.statements) {
  if (ts.isEnumDeclaration(statement)) {
    const members = new Map();
    for (const member of statement.members) {
      members.set(member.name.getText(source), literalValue(member.initializer));
    }
    enumValues.set(statement.name.text, members);
  }
}

function literalValue(node) {
  if (!node) throw new Error("enum member without an initializer");
  if (ts.isStringLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) return -Number(node.operand.text);
  throw new Error(`unsupported literal ${node.getText(source)}`);
}

function description(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  if (!docs.length) return undefined;
  const text = ts.getTextOfJSDocComment(docs[docs.length - 1].comment);
  return text ? text.split(/\n\s*\n/)[0].replace(/\s+/g, " ").trim() : undefined;
}

function typeSchema(node) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword: return { type: "string" };
    case ts.SyntaxKind.NumberKeyword: return { type: "number" };
    case ts.SyntaxKind.BooleanKeyword: return { type: "boolean" };
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.AnyKeyword: return {};
    case ts.SyntaxKind.ParenthesizedType: return typeSchema(node.type);
    case ts.SyntaxKind.ArrayType: return { type: "array", items: typeSchema(node.elementType) };
    case ts.SyntaxKind.TypeLiteral: return objectSchema(node.members);
    case ts.SyntaxKind.LiteralType: {
      if (node.literal.kind === ts.SyntaxKind.NullKeyword) return { type: "null" };
      if (node.literal.kind === ts.SyntaxKind.TrueKeyword) return { const: true };
      if (node.literal.kind === ts.SyntaxKind.FalseKeyword) return { const: false };
      return { const: literalValue(node.literal) };
    }
    case ts.SyntaxKind.UnionType: {
      const options = node.types.map(typeSchema);
      if (options.every((o) => "const" in o)) return { enum: options.map((o) => o.const) };
      return { anyOf: options };
    }
    case ts.SyntaxKind.TypeReference: return referenceSchema(node);
    default: throw new Error(`unsupported type ${ts.SyntaxKind[node.kind]}: ${node.getText(source)}`);
  }
}

function referenceSchema(node) {
  const name = node.typeName.getText(source);
  const args = node.typeArguments || [];
  if (name === "Array") return { type: "array", items: typeSchema(args[0]) };
  if (name === "Record") return { type: "object", additionalProperties: typeSchema(args[1]) };
  if (name.includes(".")) { // an enum member used as a type: MappingType.ValueToText
    const [enumName, member] = name.split(".");
    return { const: enumValues.get(enumName).get(member) };
  }
  return { $ref: `#/$defs/${name}` };
}

function objectSchema(members) {
  const properties = {};
  const required = [];
  for (const member of members) {
    if (!ts.isPropertySignature(member)) throw new Error(`unsupported member ${member.getText(source)}`);
    const name = member.name.getText(source).replace(/^['"]|['"]$/g, "");
    const schema = typeSchema(member.type);
    const text = description(member);
    properties[name] = text ? { description: text, ...schema } : schema;
    if (!member.questionToken) required.push(name);
  }
  const schema = { type: "object", properties };
  if (required.length) schema.required = required.sort();
  return schema;
}

const defs = {};
for (const statement of source.statements) {
  let schema;
  if (ts.isInterfaceDeclaration(statement)) schema = objectSchema(statement.members);
  else if (ts.isTypeAliasDeclaration(statement)) schema = typeSchema(statement.type);
  else if (ts.isEnumDeclaration(statement)) schema = { enum: [...enumValues.get(statement.name.text).values()] };
  else continue;
  const text = description(statement);
  defs[statement.name.text] = text ? { description: text, ...schema } : schema;
}

// Runtime defaults (defaultDashboard, defaultPanel, ...) become `default` keywords of the matching properties;
// the renderer reads the current schemaVersion from Dashboard.schemaVersion.default.
const runtime = await import(pathToFileURL(DEFAULTS).href);
for (const [exported, value] of Object.entries(runtime)) {
  const match = /^default(.+)$/.exec(exported);
  if (!match || !defs[match[1]] || typeof value !== "object" || value === null) continue;
  for (const [key, fallback] of Object.entries(value)) {
    const property = defs[match[1]].properties?.[key];
    if (property) property.default = fallback;
  }
}

// Deliberate deviations from the TypeScript model, each because real Grafana output differs from it.
const OVERRIDES = [
  // The declared AnnotationTarget only fits the built-in Grafana annotation query; annotations of other data
  // sources (Prometheus, Loki) store their own query object there ({expr, refId, ...}).
  ["AnnotationQuery.target", (d) => { d.AnnotationQuery.properties.target = { type: "object" }; }],
  // Grafana writes `"current": {}` for a variable with nothing selected (every "export for sharing" does this for
  // query variables); the declared VariableOption requires text and value.
  ["VariableModel.current", (d) => {
    d.VariableModel.properties.current = {
      anyOf: [{ $ref: "#/$defs/VariableOption" }, { type: "object", maxProperties: 0 }],
    };
  }],
  // `(Panel | RowPanel)` as anyOf gives useless errors ("not valid under any of the given schemas");
  // the panel type decides which one applies.
  ["Dashboard.panels", (d) => {
    d.Dashboard.properties.panels.items = {
      if: { properties: { type: { const: "row" } }, required: ["type"] },
      then: { $ref: "#/$defs/RowPanel" },
      else: { $ref: "#/$defs/Panel" },
    };
  }],
  // Top-level keys are a closed set: an unknown key (a typo, or an export-only key such as __inputs that the
  // normalizer should have removed) would be stored by Grafana and show up as drift.
  ["Dashboard.additionalProperties", (d) => { d.Dashboard.additionalProperties = false; }],
  ["GridPos.additionalProperties", (d) => {
    d.GridPos.additionalProperties = false;
    for (const key of ["h", "w", "x", "y"]) d.GridPos.properties[key] = { ...d.GridPos.properties[key], type: "integer", minimum: 0 };
    d.GridPos.properties.h.minimum = 1;
    d.GridPos.properties.w.minimum = 1;
    d.GridPos.properties.w.maximum = 24;
    d.GridPos.properties.x.maximum = 23;
  }],
];
for (const [, apply] of OVERRIDES) apply(defs);

const sorted = Object.fromEntries(Object.keys(defs).sort().map((k) => [k, defs[k]]));
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://grafana.com/schemas/dashboard/v1",
  title: "Grafana dashboard (v1 model)",
  $comment: `GENERATED by scripts/gen_dashboard_schema.mjs from @grafana/schema ${packageVersion} `
    + "(dist/types/raw/dashboard/x/types.gen.d.ts). DO NOT EDIT; regenerate instead. "
    + `Overrides: ${OVERRIDES.map(([name]) => name).join(", ")}.`,
  $ref: "#/$defs/Dashboard",
  $defs: sorted,
};
const text = JSON.stringify(schema, null, 2) + "\n";

if (process.argv.includes("--check")) {
  let current = "";
  try { current = readFileSync(OUTPUT, "utf8"); } catch { /* missing counts as different */ }
  if (current !== text) {
    console.error(`${OUTPUT} is out of date; run: node scripts/gen_dashboard_schema.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${OUTPUT} (${Object.keys(sorted).length} definitions, @grafana/schema ${packageVersion})`);
}
