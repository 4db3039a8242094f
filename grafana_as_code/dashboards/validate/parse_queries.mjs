// Parses a batch of LogQL and TraceQL queries with Grafana's Lezer grammars (the ones its query editors use).
// stdin:  JSON list of {"lang": "logql" | "traceql", "query": "..."}
// stdout: JSON list, one entry per query: null when it parses, else a message locating the first syntax error.
// Lezer recovers from errors by inserting error nodes ("⚠") into the tree, so "parses" means "no error node".
import { parser as logql } from "@grafana/lezer-logql";
import { parser as traceql } from "@grafana/lezer-traceql";

const PARSERS = { logql, traceql };

function firstError(parser, query) {
  let at = -1;
  parser.parse(query).iterate({
    enter(node) {
      if (at >= 0) return false;
      if (node.type.isError) { at = node.from; return false; }
      return undefined;
    },
  });
  if (at < 0) return null;
  const rest = query.slice(at).trimStart();
  if (!rest) return "unexpected end of query";
  const near = rest.length > 20 ? `${rest.slice(0, 20)}…` : rest;
  return `syntax error at column ${at + 1} near '${near}'`;
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(({ lang, query }) => {
    const parser = PARSERS[lang];
    if (!parser) return `unknown query language ${JSON.stringify(lang)}`;
    return firstError(parser, query);
  });
  process.stdout.write(JSON.stringify(results));
});
