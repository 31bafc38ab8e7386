// Runs every web/e2e/*.test.mjs in headless Chromium (Debian's, driven by playwright-core)
// against a running server. Started by tests/api/browser.rs, which serves the demo county and
// passes the server and its users in E2E_CONFIG (JSON):
//   { url, adminToken, users: { leader, hr, host: { username, password, studioId } }, artifacts }
// Each test file exports `default async function (t)`, with
//   t.page           a fresh Page in a fresh context (1280×800)
//   t.config         the config above
//   t.gql(token, query, variables)  the API from Node; returns data, throws on errors
//   t.login(page, who)  logs in as users[who] through the form; waits for body[data-state=ready]
//   t.ready(page)    waits for body[data-state=ready] (after a change that reloads a view)
//   t.screenshot(name, page?)  saves artifacts/NAME.png
//   t.assert         node:assert/strict
//   t.allowConsole(regex)  a console error or a failed response ("403 URL") the test provokes
// Every request a page makes must go to the server it came from: one that leaves fails the
// test, as does an uncaught page error or a console error (a CSP refusal is one).
// Usage: node run.mjs [substring of test file names]

import assert from "node:assert/strict";
import { readdirSync, mkdirSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const config = JSON.parse(process.env.E2E_CONFIG || "{}");
if (!config.url) {
  console.error("E2E_CONFIG with the server's url is required (tests/api/browser.rs sets it)");
  process.exit(2);
}
const artifacts = config.artifacts || join(here, "artifacts");
// This run's screenshots only: a FAILED one left by an earlier run would mislead.
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
const origin = new URL(config.url).origin;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
// Generous for a slow CI machine; a test that waits this long has failed anyway.
const TIMEOUT_MS = 20000;

async function gql(token, query, variables = {}) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${config.url}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`API error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function ready(page) {
  await page.waitForSelector('body[data-state="ready"]', { timeout: TIMEOUT_MS });
}

async function login(page, who) {
  const user = config.users[who];
  assert.ok(user, `no user ${who} in the config`);
  await page.goto(`${config.url}/`);
  await page.fill("#username", user.username);
  await page.fill("#password", user.password);
  await page.click('#login-form button[type="submit"]');
  await ready(page);
}

const filter = process.argv[2] || "";
const files = readdirSync(here)
  .filter((f) => f.endsWith(".test.mjs") && f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files match "${filter}"`);
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
let failed = 0;
for (const file of files) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
  context.setDefaultTimeout(TIMEOUT_MS);
  const problems = [];
  const allowed = [];
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && !url.startsWith("blob:") && new URL(url).origin !== origin) {
      problems.push(`a request left the server: ${url}`);
    }
  });
  context.on("response", (response) => {
    const what = `${response.status()} ${response.url()}`;
    if (response.status() >= 400 && !allowed.some((r) => r.test(what))) {
      problems.push(`a request failed: ${what}`);
    }
  });
  const page = await context.newPage();
  const watch = (p) => {
    p.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    p.on("console", (m) => {
      // A failed load is reported below with its address; the console says it without one.
      const text = m.text();
      if (m.type() === "error" && !text.startsWith("Failed to load resource") && !allowed.some((r) => r.test(text))) {
        problems.push(`console error: ${text}`);
      }
    });
  };
  watch(page);
  context.on("page", watch);
  const t = {
    page,
    config,
    gql,
    login,
    ready,
    assert,
    allowConsole: (regex) => allowed.push(regex),
    screenshot: (name, p = page) =>
      p.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }),
  };
  const started = Date.now();
  try {
    const test = (await import(pathToFileURL(join(here, file)).href)).default;
    await test(t);
    // Expected refusals (a 4xx the test provoked) are answered as JSON, not console errors;
    // anything the console printed as an error is a fault of the page.
    assert.deepEqual(problems, [], "the page stayed on its server and printed no errors");
    console.log(`ok   ${file} (${Date.now() - started} ms)`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${file}: ${e.stack || e}`);
    if (problems.length) console.log(`     also: ${problems.join("; ")}`);
    await page.screenshot({ path: join(artifacts, `FAILED-${file}.png`), fullPage: true }).catch(() => {});
  } finally {
    await context.close();
  }
}
await browser.close();
console.log(`${files.length - failed} passed, ${failed} failed; screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);
