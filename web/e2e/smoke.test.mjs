// The front page comes from this server alone, in Chinese, with its login form labelled.
export default async function (t) {
  const { page, assert, config } = t;
  const response = await page.goto(`${config.url}/`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()["content-security-policy"], /default-src 'self'/);
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  assert.equal(await page.title(), "教师队伍建设监测");
  await t.screenshot("front-page");
}
