// A studio host logs a mentee on #/studio: the pair appears in the page's table and in the
// API; refusals show the API's own message (and the field at fault) in role=alert.
export default async function (t) {
  const { page, assert, config } = t;
  const admin = config.adminToken;
  const studioId = config.users.host.studioId;
  const today = new Date().toISOString().slice(0, 10);

  const STUDIO = `query($id: UUID!) { studio(id: $id) {
    name establishedOn menteeCapacity
    members { teacher { id staffNo } menteeCount }
    pairs { id status startedOn mentor { id } mentee { id staffNo } } } }`;
  const before = (await t.gql(admin, STUDIO, { id: studioId })).studio;
  assert.ok(before, "the host's studio");

  // A mentor with room (the studio's capacity counts ACTIVE pairs) and a mentee who is
  // employed today, in no pair of this studio and no member of it.
  const active = (id) => before.pairs.filter((p) => p.status === "ACTIVE" && p.mentor.id === id).length;
  const mentor = before.members.find((m) => !before.menteeCapacity || active(m.teacher.id) < before.menteeCapacity);
  assert.ok(mentor, "a member with room for a mentee");
  const taken = new Set([
    ...before.members.map((m) => m.teacher.staffNo),
    ...before.pairs.map((p) => p.mentee.staffNo),
  ]);
  const teachers = (await t.gql(admin,
    `query($d: Date) { teachers(filter: { employedOn: $d }, first: 100) { nodes { id name staffNo } } }`,
    { d: today })).teachers.nodes;
  const mentee = teachers.find((x) => !taken.has(x.staffNo));
  assert.ok(mentee, "a teacher to mentor");

  await t.login(page, "host");
  await page.goto(`${config.url}/#/studio`);
  await page.waitForSelector("form#add-mentee");
  await t.ready(page);
  assert.equal(await page.locator("h2#studio-title").innerText().then((s) => s.includes(before.name)), true);
  // Every member shows their mentees against the quota of 3.
  assert.equal(await page.locator("table#members tbody tr").count(), before.members.length);
  await t.screenshot("studio-host");

  const form = page.locator("form#add-mentee");
  await page.selectOption("#mentee-mentor", mentor.teacher.id);
  await page.fill("#mentee-staff-no", mentee.staffNo);
  await page.fill("#mentee-started-on", today);
  await page.fill("#mentee-goal", "一年内成长为校级骨干");
  await form.locator('button[type="submit"]').click();
  const row = page.locator(`table#pairs tbody tr[data-mentee-staff-no="${mentee.staffNo}"]`);
  await row.waitFor();
  await t.ready(page);
  assert.match(await row.innerText(), new RegExp(mentee.name));
  assert.match(await page.locator('form#add-mentee [role="status"]').innerText(), new RegExp(mentee.staffNo));

  const after = (await t.gql(admin, STUDIO, { id: studioId })).studio;
  const pair = after.pairs.find((p) => p.mentee.staffNo === mentee.staffNo);
  assert.ok(pair, "the API has the pair");
  assert.equal(pair.status, "ACTIVE");
  assert.equal(pair.startedOn, today);
  assert.equal(pair.mentor.id, mentor.teacher.id);
  assert.equal(after.pairs.length, before.pairs.length + 1);

  // The same mentee again: the API refuses (one ACTIVE pair per studio), the page says why.
  await page.selectOption("#mentee-mentor", mentor.teacher.id);
  await page.fill("#mentee-staff-no", mentee.staffNo);
  await page.fill("#mentee-started-on", today);
  await form.locator('button[type="submit"]').click();
  const alert = form.locator('[role="alert"]');
  await alert.waitFor();
  await t.ready(page);
  assert.match(await alert.innerText(), /与已有记录冲突/);
  assert.match(await alert.innerText(), new RegExp(`${mentee.name} already has an active pair`));
  await t.screenshot("studio-host-refused");

  // A mentor mentoring themselves: BAD_USER_INPUT on menteeTeacherId, named by its label.
  await page.selectOption("#mentee-mentor", mentor.teacher.id);
  await page.fill("#mentee-staff-no", mentor.teacher.staffNo);
  await form.locator('button[type="submit"]').click();
  await page.waitForSelector('form#add-mentee [role="alert"]:has-text("cannot mentor themselves")');
  await t.ready(page);
  assert.match(await alert.innerText(), /^学员工号：输入有误：a teacher cannot mentor themselves/);
  assert.equal(await page.getAttribute("#mentee-staff-no", "aria-invalid"), "true");

  const last = (await t.gql(admin, STUDIO, { id: studioId })).studio;
  assert.equal(last.pairs.length, after.pairs.length, "the refusals changed nothing");

  // An activity for the new pair, logged through the third form.
  await page.selectOption("#activity-pair", pair.id);
  await page.fill("#activity-date", today);
  await page.selectOption("#activity-kind", "DEMONSTRATION_LESSON");
  await page.fill("#activity-hours", "1.5");
  await page.fill("#activity-notes", "示范课");
  await page.locator('form#log-activity button[type="submit"]').click();
  await page.waitForSelector('form#log-activity [role="status"]');
  await t.ready(page);
  assert.match(await row.innerText(), /1 次，共 1\.5 小时/);
  const logged = (await t.gql(admin,
    `query($id: UUID!) { studio(id: $id) { pairs { id activities { date kind hours } } } }`,
    { id: studioId })).studio.pairs.find((p) => p.id === pair.id);
  assert.deepEqual(logged.activities, [{ date: today, kind: "DEMONSTRATION_LESSON", hours: 1.5 }]);
}
