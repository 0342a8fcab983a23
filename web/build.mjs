// Bundles the client into target/classes/web (served by the local stack at /): app.js, app.css
// (the CSS the code imports), index.html and the service worker sw.js (optional: it lets a reload
// without network show the stored chats), and prints their gzipped size. With --tests, bundles the
// node tests into target/node-tests. A file whose bytes are unchanged is not rewritten, so that an
// unchanged client leaves the web jar as it was and Maven recompiles nothing that depends on it.
import * as esbuild from "esbuild";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const tests = process.argv.includes("--tests");
// The budget of issue 20; the bundle is far below it.
const MAX_GZIPPED_BYTES = 150 * 1024;

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
  const writeIfChanged = (path, contents) => {
    if (!existsSync(path) || !readFileSync(path).equals(Buffer.from(contents))) {
      writeFileSync(path, contents);
    }
  };
  const bundle = async (options) => {
    const result = await esbuild.build({ ...options, write: false });
    for (const file of result.outputFiles) {
      writeIfChanged(file.path, file.contents);
    }
  };
  await bundle({
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
  await bundle({
    entryPoints: ["src/sw.ts"],
    outfile: `${out}/sw.js`,
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    logLevel: "warning",
  });
  writeIfChanged(`${out}/index.html`, readFileSync("src/index.html"));
  const sizes = ["app.js", "app.css", "index.html", "sw.js"].map((name) => {
    const bytes = readFileSync(`${out}/${name}`);
    return { name, raw: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
  });
  const total = sizes.reduce((sum, file) => sum + file.gzipped, 0);
  const kilobytes = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(
    `web bundle: ${sizes.map((file) => `${file.name} ${kilobytes(file.gzipped)}`).join(", ")}; ` +
      `${kilobytes(total)} gzipped in all (budget ${kilobytes(MAX_GZIPPED_BYTES)})`,
  );
  if (total > MAX_GZIPPED_BYTES) {
    console.error(`the bundle is over its budget of ${kilobytes(MAX_GZIPPED_BYTES)} gzipped`);
    process.exit(1);
  }
}
