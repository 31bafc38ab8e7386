// HR loads a teachers sheet on #/import: a sheet with bad rows lists every problem and writes
// nothing; the good sheet, checked first (dry run) and then loaded, reports its counts.
export default async function (t) {
  const { page, assert, config } = t;
  const admin = config.adminToken;

  // A school and a stage it teaches, from the demo county.
  const schools = (await t.gql(admin, `{ schools(first: 100) { nodes { name stages } } }`)).schools.nodes;
  const school = schools.find((s) => s.stages.includes("PRIMARY"));
  const other = schools.find((s) => !s.stages.includes("JUNIOR"));
  assert.ok(school && other, "demo schools");
  const stamp = Date.now().toString(36).toUpperCase();
  const staffNo = (i) => `E2E-${stamp}-${i}`;
  const header = "工号,姓名,性别,出生日期,学校,学段,学科,学历,入职日期";
  const good = [
    `${staffNo(1)},测试一,女,1990-05-01,${school.name},小学,语文,本科,2015-09-01`,
    `${staffNo(2)},测试二,男,1988/3/12,${school.name},小学,数学,硕士,2012年9月1日`,
  ];
  const bad = [
    `${staffNo(3)},测试三,未知,1991-01-01,${school.name},小学,语文,本科,2016-09-01`,
    `${staffNo(4)},测试四,女,1992-02-02,${other.name},初中,数学,本科,2017-09-01`,
  ];
  const csv = (lines) => ({
    name: "教师.csv",
    mimeType: "text/csv",
    buffer: Buffer.from([header, ...lines, ""].join("\r\n"), "utf8"),
  });
  const registered = async () => {
    const found = [];
    for (let i = 1; i <= 4; i += 1) {
      const nodes = (await t.gql(admin,
        `query($s: String) { teachers(filter: { staffNo: $s }) { nodes { staffNo name } } }`,
        { s: staffNo(i) })).teachers.nodes;
      found.push(...nodes.map((n) => n.staffNo));
    }
    return found;
  };
  const submit = async () => {
    await page.locator('form#import-form button[type="submit"]').click();
    await page.waitForSelector("#import-report h3");
    await t.ready(page);
  };

  await t.login(page, "hr");
  await page.goto(`${config.url}/#/import`);
  await page.waitForSelector("form#import-form");
  await t.ready(page);
  // The templates download without a token.
  const template = await page.locator('a[href="/templates/teachers.xlsx"]').getAttribute("download");
  assert.ok(template);

  // Two bad rows among two good ones: both listed, nothing written.
  await page.selectOption("#import-kind", "teachers");
  await page.setChecked("#import-dry-run", false);
  await page.setInputFiles("#import-file", csv([...good, ...bad]));
  await submit();
  const problems = page.locator("table#import-problems tbody tr");
  assert.equal(await problems.count(), 2);
  assert.equal(await page.getAttribute("#import-problem-count", "data-count"), "2");
  const rows = await problems.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ["4", "5"], "the rows as Excel numbers them");
  assert.equal(rows[0][1], "性别");
  assert.equal(rows[0][2], "未知");
  assert.equal(rows[1][1], "学段");
  assert.match(rows[1][3], /does not teach the JUNIOR stage/);
  assert.match(await page.locator('form#import-form [role="alert"]').innerText(), /输入有误/);
  await t.screenshot("import-problems");
  assert.deepEqual(await registered(), [], "a refused sheet writes nothing");

  // The good rows, checked only.
  await page.setChecked("#import-dry-run", true);
  await page.setInputFiles("#import-file", csv(good));
  await submit();
  const count = (name) => page.locator(`#import-counts tr[data-name="${name}"] td`).innerText();
  assert.match(await page.locator("#import-report h3").innerText(), /未写入/);
  assert.equal(await count("数据行数"), "2");
  assert.equal(await count("新增"), "2");
  assert.match(await page.locator('form#import-form [role="status"]').innerText(), /检查通过/);
  assert.deepEqual(await registered(), [], "a dry run writes nothing");

  // Then for real.
  await page.setChecked("#import-dry-run", false);
  await page.setInputFiles("#import-file", csv(good));
  await submit();
  assert.equal(await page.locator("#import-report h3").innerText(), "导入结果");
  assert.equal(await count("新增"), "2");
  assert.equal(await count("更新"), "0");
  assert.equal(await count("未变"), "0");
  assert.equal(await count("忽略的列"), "无");
  assert.deepEqual(await registered(), [staffNo(1), staffNo(2)]);
  await t.screenshot("import-done");

  // Loaded again: nothing new.
  await page.setInputFiles("#import-file", csv(good));
  await submit();
  assert.equal(await count("新增"), "0");
  assert.equal(await count("未变"), "2");
}
