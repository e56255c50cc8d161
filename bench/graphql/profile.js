// bench/graphql.sh with PROFILE=1: where Cairn's JVM spent its Java CPU during one measured run.
//
//   jfr print --stack-depth 512 --events jdk.ExecutionSample RUN.jfr | node profile.js
//
// Reads JFR's execution samples (text form) and prints a Markdown table: for each step of a GraphQL
// request, the share of all samples whose stack contains it (inclusive, so nested steps are also
// counted in the steps around them). JFR samples threads running Java code only: kernel time
// (socket I/O, wake-ups), GC and JIT threads are not in these numbers. The gateway must run with a
// stack depth that holds a whole request (the script sets -XX:FlightRecorderOptions:stackdepth=512;
// JFR's default of 64 frames cuts the roots off graphql-java's deeper stacks).
"use strict";

const STEPS = [
  ["All HTTP request handling", "io.helidon.webserver.http1.Http1Connection.handle"],
  ["\u2003↳ POST /graphql (GraphqlRoutes.run)", "dev.cairn.api.GraphqlRoutes.run"],
  ["\u2003\u2003↳ request body → JsonNode (Bodies.jsonObject)", "dev.cairn.api.Bodies.jsonObject"],
  ["\u2003\u2003↳ variables → Map (Json.map)", "dev.cairn.api.Json.map"],
  ["\u2003\u2003↳ GraphqlExecutor.execute", "dev.cairn.graphql.GraphqlExecutor.execute"],
  ["\u2003\u2003\u2003↳ normalised operation, built per request (graphql-java ENO factory)",
    "graphql.normalized.ExecutableNormalizedOperationFactory.createExecutableNormalizedOperationWithRawVariables"],
  ["\u2003\u2003\u2003↳ limits (Limits.check)", "dev.cairn.graphql.Limits.check"],
  ["\u2003\u2003\u2003↳ data read (Pipeline.read)", "dev.cairn.data.Pipeline.read"],
  ["\u2003\u2003\u2003\u2003↳ SQL planning (EntityPlanner)", "dev.cairn.data.EntityPlanner."],
  ["\u2003\u2003\u2003\u2003↳ pool + JDBC (Pipeline.run minus the row parse)", "dev.cairn.data.Pipeline.run", "dev.cairn.graphql.Roots.parseRow"],
  ["\u2003\u2003\u2003\u2003↳ rows' JSON text → Map (Roots.parseRow)", "dev.cairn.graphql.Roots.parseRow"],
  ["\u2003\u2003\u2003↳ graphql-java execution over the prefetched rows (GraphQL.execute)", "graphql.GraphQL.execute"],
  ["\u2003\u2003↳ answer Map → JSON bytes (Json.bytes)", "dev.cairn.api.Json.bytes"],
];

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
  const samples = [];
  for (const block of input.split("jdk.ExecutionSample {").slice(1)) {
    const m = block.match(/stackTrace = \[([\s\S]*?)\n\s*\]/);
    if (!m) continue;
    const frames = m[1].split("\n").map((l) => l.trim().replace(/\(.*$/, "")).filter((l) => l && l !== "...");
    samples.push(frames);
  }
  const n = samples.length;
  if (n === 0) {
    console.log("(no execution samples)");
    return;
  }
  const has = (frames, prefix) => frames.some((f) => f.startsWith(prefix));
  console.log(`| Step (${n} samples) | Share of samples |`);
  console.log("|---|---|");
  for (const [label, frame, minus] of STEPS) {
    const c = samples.filter((f) => has(f, frame) && !(minus && has(f, minus))).length;
    console.log(`| ${label} | ${(100 * c / n).toFixed(1)} % |`);
  }
});
