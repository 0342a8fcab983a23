// Bundles the client into target/classes/web (served by the local stack at /) and, with --tests,
// the node tests into target/node-tests.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";

const tests = process.argv.includes("--tests");

if (tests) {
  const entryPoints = readdirSync("test")
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => `test/${name}`);
  await esbuild.build({
    entryPoints,
    outdir: "target/node-tests",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
} else {
  const out = "target/classes/web";
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: ["src/main.tsx"],
    outfile: `${out}/app.js`,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    logLevel: "warning",
  });
  copyFileSync("src/index.html", `${out}/index.html`);
}
