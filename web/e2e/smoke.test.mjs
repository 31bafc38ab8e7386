// The front page comes from this server alone, in Chinese, with its login form labelled.
export default async function (t) {
  const { page, assert, config } = t;
  const response = await page.goto(`${config.url}/`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()["content-security-policy"], /default-src 'self'/);
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  assert.equal(await page.title(), "教师队伍建设监测");
  // What every page loads is served, and the icon browsers ask for.
  for (const path of ["/assets/api.js", "/favicon.ico"]) {
    const r = await page.request.get(`${config.url}${path}`);
    assert.equal(r.status(), 200, path);
  }
  await t.screenshot("front-page");
}
