// GraphiQL on GET /graphql, entirely from this server (the runner fails any request that
// leaves it and any console error, CSP refusals included), runs a query with the tab's token.
export default async function (t) {
  const { page, assert, config } = t;
  await t.login(page, "leader");
  const response = await page.goto(`${config.url}/graphql`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()["content-security-policy"], /script-src 'self'/);
  await page.waitForSelector(".graphiql-container .graphiql-query-editor .CodeMirror");
  await page.locator(".graphiql-execute-button").click();
  const result = page.locator(".result-window");
  await result.locator("text=leader.e2e").waitFor();
  assert.match(await result.innerText(), /"username": "leader\.e2e"/);
  // The schema loads too (introspection, through the same fetcher).
  await page.locator('button[aria-label="Show Documentation Explorer"]').click();
  await page.locator(".graphiql-doc-explorer >> text=Query").first().waitFor();
  await t.screenshot("graphiql");
}
