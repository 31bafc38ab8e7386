// 工作室管理: a studio host's page (#/studio). The host's own studios only (the API shows a host
// nothing else): members with their mentees against the quota of 3, the mentoring pairs and
// their activities, and three forms — add a member, add a mentee, log an activity — whose
// refusals show the API's own message.

import { gql, describe, ApiError } from "./api.js";
import { el, clear, ensureStylesheet, today, setState, showMessage, fieldError, clearMarks } from "./pages-common.js";

const QUOTA = 3;

export const ROLE_WORDS = { HOST: "主持人", MEMBER: "成员" };
export const STUDIO_STATUS_WORDS = { PLANNED: "筹建中", ACTIVE: "运行中", CLOSED: "已关闭" };
export const PAIR_STATUS_WORDS = { ACTIVE: "进行中", COMPLETED: "已完成", WITHDRAWN: "已退出" };
export const ACTIVITY_KIND_WORDS = {
  LESSON_OBSERVATION: "听课",
  DEMONSTRATION_LESSON: "示范课",
  LESSON_STUDY: "集体教研",
  LECTURE: "讲座",
  RESEARCH_PROJECT: "课题",
  OTHER: "其他",
};

const STUDIOS = `query($asOf: Date) {
  studios(first: 100) {
    nodes {
      id name status establishedOn closedOn menteeCapacity
      members(asOf: $asOf) { id teacher { id name staffNo } role joinedOn menteeCount }
      pairs {
        id mentor { id name } mentee { id name staffNo } startedOn endedOn status goal
        activities { id date kind hours notes }
      }
    }
  }
}`;

const TEACHER_BY_STAFF_NO = `query($staffNo: String!) {
  teachers(filter: { staffNo: $staffNo }, first: 1) { nodes { id name staffNo } }
}`;

const ADD_MEMBER = `mutation($input: AddStudioMemberInput!) {
  addStudioMember(input: $input) { id }
}`;
const CREATE_PAIR = `mutation($input: CreateMentoringPairInput!) {
  createMentoringPair(input: $input) { id }
}`;
const LOG_ACTIVITY = `mutation($input: LogMentoringActivityInput!) {
  logMentoringActivity(input: $input) { id }
}`;

// What the page remembers between redraws: the studio shown and the message to show.
const view = { studioId: null, flash: null };

/** Draws the page into `root`; `ctx.asOf` (optional) is the day members are counted on. */
export async function render(root, ctx = {}) {
  ensureStylesheet();
  view.flash = null;
  await redraw(root, ctx);
}

async function redraw(root, ctx) {
  setState("loading");
  let studios;
  try {
    studios = (await gql(STUDIOS, { asOf: ctx.asOf || null })).studios.nodes;
  } catch (err) {
    clear(root);
    root.append(
      el("section", { class: "page studio-page" },
        el("h2", {}, "工作室管理"),
        el("p", { class: "msg error", role: "alert" }, describe(err))),
    );
    setState("ready");
    return;
  }
  clear(root);
  const page = el("section", { class: "page studio-page", "aria-labelledby": "studio-title" });
  root.append(page);
  if (!studios.length) {
    page.append(
      el("h2", { id: "studio-title" }, "工作室管理"),
      el("p", { role: "status" }, "当前账号没有主持的工作室。"),
    );
    setState("ready");
    return;
  }
  let studio = studios.find((s) => s.id === view.studioId) || studios[0];
  view.studioId = studio.id;
  page.append(el("h2", { id: "studio-title" }, studio.name,
    el("span", { class: `badge status-${studio.status.toLowerCase()}` },
      STUDIO_STATUS_WORDS[studio.status] || studio.status)));
  if (studios.length > 1) {
    const pick = el("select", { id: "studio-choice" },
      ...studios.map((s) => el("option", { value: s.id, selected: s.id === studio.id }, s.name)));
    pick.addEventListener("change", () => {
      view.studioId = pick.value;
      view.flash = null;
      redraw(root, ctx);
    });
    page.append(el("p", { class: "studio-choice" },
      el("label", { for: "studio-choice" }, "选择工作室"), pick));
  }
  page.append(el("p", { class: "studio-facts" },
    studio.establishedOn ? `成立于 ${studio.establishedOn}` : "尚未成立",
    studio.closedOn ? `，关闭于 ${studio.closedOn}` : "",
    studio.menteeCapacity ? `；每位成员同时带教不超过 ${studio.menteeCapacity} 人` : ""));

  const submitted = () => redraw(root, ctx);
  page.append(
    membersSection(studio, ctx),
    addMemberForm(studio, submitted),
    pairsSection(studio),
    addMenteeForm(studio, submitted),
    logActivityForm(studio, submitted),
  );
  if (view.flash) {
    const form = page.querySelector(`#${view.flash.form}`);
    if (form) showMessage(form, view.flash.ok, view.flash.text);
    view.flash = null;
  }
  setState("ready");
}

function membersSection(studio, ctx) {
  const rows = studio.members.map((m) => {
    const full = m.menteeCount >= QUOTA;
    return el("tr", { "data-staff-no": m.teacher.staffNo },
      el("td", {}, m.teacher.name),
      el("td", {}, m.teacher.staffNo),
      el("td", {}, ROLE_WORDS[m.role] || m.role),
      el("td", {}, m.joinedOn),
      el("td", { class: full ? "quota full" : "quota" },
        el("meter", { min: 0, max: QUOTA, low: QUOTA - 0.5, optimum: QUOTA, value: Math.min(m.menteeCount, QUOTA),
          "aria-label": `${m.teacher.name} 带教 ${m.menteeCount} 人，定额 ${QUOTA} 人` }),
        ` ${m.menteeCount} / ${QUOTA}`,
        full ? el("span", { class: "note" }, " 已达定额") : ""));
  });
  const counted = studio.members.reduce((n, m) => n + Math.min(m.menteeCount, QUOTA), 0);
  return el("section", { class: "block", "aria-labelledby": "members-title" },
    el("h3", { id: "members-title" }, `成员（${studio.members.length} 人）`),
    el("p", { class: "hint" },
      `${ctx.asOf ? ctx.asOf + " " : ""}在任成员；每位成员结对培养 ${QUOTA} 名教师，` +
      `已计入 ${counted} / ${QUOTA * studio.members.length}。`),
    el("div", { class: "scroll" },
      el("table", { id: "members", class: "data" },
        el("thead", {}, el("tr", {},
          ...["姓名", "工号", "角色", "加入日期", "带教 / 定额"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...(rows.length ? rows
          : [el("tr", {}, el("td", { colspan: 5 }, "暂无在任成员"))])))));
}

function pairsSection(studio) {
  const rows = studio.pairs.map((p) => {
    const hours = p.activities.reduce((h, a) => h + a.hours, 0);
    const last = p.activities.map((a) => a.date).sort().pop();
    const activities = p.activities.length
      ? el("details", {},
        el("summary", {}, `${p.activities.length} 次，共 ${formatHours(hours)} 小时${last ? `，最近 ${last}` : ""}`),
        el("ul", { class: "activities" }, ...p.activities.map((a) => el("li", {},
          `${a.date} ${ACTIVITY_KIND_WORDS[a.kind] || a.kind} ${formatHours(a.hours)} 小时`,
          a.notes ? `：${a.notes}` : ""))))
      : "暂无";
    return el("tr", { "data-pair-id": p.id, "data-mentee-staff-no": p.mentee.staffNo },
      el("td", {}, p.mentor.name),
      el("td", {}, p.mentee.name),
      el("td", {}, p.mentee.staffNo),
      el("td", {}, p.startedOn),
      el("td", {}, p.endedOn || "—"),
      el("td", {}, el("span", { class: `badge pair-${p.status.toLowerCase()}` },
        PAIR_STATUS_WORDS[p.status] || p.status)),
      el("td", {}, p.goal || "—"),
      el("td", {}, activities));
  });
  return el("section", { class: "block", "aria-labelledby": "pairs-title" },
    el("h3", { id: "pairs-title" }, `结对培养（${studio.pairs.length} 对）`),
    el("div", { class: "scroll" },
      el("table", { id: "pairs", class: "data" },
        el("thead", {}, el("tr", {},
          ...["导师", "学员", "学员工号", "开始日期", "结束日期", "状态", "培养目标", "活动"]
            .map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...(rows.length ? rows
          : [el("tr", {}, el("td", { colspan: 8 }, "暂无结对"))])))));
}

function formatHours(h) {
  return Number.isInteger(h) ? String(h) : h.toFixed(1);
}

// ---- forms ---------------------------------------------------------------------------

/** A labelled control in a form row. */
function field(id, label, control) {
  control.id = id;
  control.name = id;
  return el("p", { class: "field" }, el("label", { for: id }, label), control);
}

function submitButton(text) {
  return el("p", { class: "actions" }, el("button", { type: "submit" }, text));
}

/** Wires a form: `run` returns the success message or throws; API fields map to controls. */
function wire(form, fields, run, submitted) {
  form.noValidate = true;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    clearMarks(form);
    setState("loading");
    try {
      const text = await run(form);
      view.flash = { form: form.id, ok: true, text };
      await submitted();
    } catch (err) {
      const known = err instanceof ApiError && err.extensions && err.extensions.field;
      const target = known ? fields[err.extensions.field] : null;
      // The API names the field in its own words ("startedOn: …"); the label says it here.
      const text = known ? describe(err).replace(`${err.extensions.field}: `, "") : describe(err);
      showMessage(form, false, text, target ? fieldError(form, target) : null);
      button.disabled = false;
      setState("ready");
    }
  });
}

/** A check made here before asking the API, worded like the API's BAD_USER_INPUT. */
function missing(field, what) {
  return new ApiError(`请填写${what}`, "BAD_USER_INPUT", { field });
}

async function teacherByStaffNo(staffNo, field) {
  const nodes = (await gql(TEACHER_BY_STAFF_NO, { staffNo })).teachers.nodes;
  if (!nodes.length) {
    throw new ApiError(`没有工号为 ${staffNo} 的教师`, "NOT_FOUND", { field });
  }
  return nodes[0];
}

function addMemberForm(studio, submitted) {
  const form = el("form", { id: "add-member", class: "card-form", "aria-labelledby": "add-member-title" },
    el("h3", { id: "add-member-title" }, "添加成员"),
    field("member-staff-no", "教师工号", el("input", { type: "text", autocomplete: "off", required: true })),
    field("member-joined-on", "加入日期", el("input", { type: "date", value: today(), required: true })),
    submitButton("添加成员"));
  const fields = { teacherId: "member-staff-no", staffNo: "member-staff-no", joinedOn: "member-joined-on" };
  wire(form, fields, async () => {
    const staffNo = form.querySelector("#member-staff-no").value.trim();
    const joinedOn = form.querySelector("#member-joined-on").value;
    if (!staffNo) throw missing("staffNo", "教师工号");
    if (!joinedOn) throw missing("joinedOn", "加入日期");
    const teacher = await teacherByStaffNo(staffNo, "staffNo");
    await gql(ADD_MEMBER, { input: { studioId: studio.id, teacherId: teacher.id, joinedOn } });
    return `已添加成员 ${teacher.name}（${teacher.staffNo}），${joinedOn} 加入。`;
  }, submitted);
  return form;
}

function addMenteeForm(studio, submitted) {
  const mentor = el("select", { required: true },
    ...studio.members.map((m) => el("option", { value: m.teacher.id },
      `${m.teacher.name}（${m.teacher.staffNo}，已带教 ${m.menteeCount} / ${QUOTA}）`)));
  const form = el("form", { id: "add-mentee", class: "card-form", "aria-labelledby": "add-mentee-title" },
    el("h3", { id: "add-mentee-title" }, "添加结对学员"),
    field("mentee-mentor", "导师", mentor),
    field("mentee-staff-no", "学员工号", el("input", { type: "text", autocomplete: "off", required: true })),
    field("mentee-started-on", "开始日期", el("input", { type: "date", value: today(), required: true })),
    field("mentee-goal", "培养目标（可不填）", el("input", { type: "text", maxlength: 500 })),
    submitButton("添加学员"));
  const fields = {
    mentorTeacherId: "mentee-mentor",
    menteeTeacherId: "mentee-staff-no",
    staffNo: "mentee-staff-no",
    startedOn: "mentee-started-on",
    goal: "mentee-goal",
  };
  wire(form, fields, async () => {
    const mentorTeacherId = form.querySelector("#mentee-mentor").value;
    const staffNo = form.querySelector("#mentee-staff-no").value.trim();
    const startedOn = form.querySelector("#mentee-started-on").value;
    const goal = form.querySelector("#mentee-goal").value.trim();
    if (!mentorTeacherId) throw missing("mentorTeacherId", "导师");
    if (!staffNo) throw missing("staffNo", "学员工号");
    if (!startedOn) throw missing("startedOn", "开始日期");
    const mentee = await teacherByStaffNo(staffNo, "staffNo");
    await gql(CREATE_PAIR, {
      input: { studioId: studio.id, mentorTeacherId, menteeTeacherId: mentee.id, startedOn, goal: goal || null },
    });
    return `已添加学员 ${mentee.name}（${mentee.staffNo}），${startedOn} 开始结对。`;
  }, submitted);
  return form;
}

function logActivityForm(studio, submitted) {
  const order = { ACTIVE: 0, COMPLETED: 1, WITHDRAWN: 2 };
  const pairs = [...studio.pairs].sort((a, b) => order[a.status] - order[b.status]);
  const pair = el("select", { required: true },
    ...pairs.map((p) => el("option", { value: p.id },
      `${p.mentor.name} → ${p.mentee.name}（${p.startedOn} 起，${PAIR_STATUS_WORDS[p.status] || p.status}）`)));
  const kind = el("select", { required: true },
    ...Object.entries(ACTIVITY_KIND_WORDS).map(([value, words]) => el("option", { value }, words)));
  const form = el("form", { id: "log-activity", class: "card-form", "aria-labelledby": "log-activity-title" },
    el("h3", { id: "log-activity-title" }, "记录培养活动"),
    field("activity-pair", "结对", pair),
    field("activity-date", "活动日期", el("input", { type: "date", value: today(), required: true })),
    field("activity-kind", "活动类型", kind),
    field("activity-hours", "时长（小时）", el("input", { type: "number", min: 0.5, max: 24, step: 0.5, value: 1, required: true })),
    field("activity-notes", "备注（可不填）", el("input", { type: "text", maxlength: 500 })),
    submitButton("记录活动"));
  const fields = {
    pairId: "activity-pair",
    date: "activity-date",
    kind: "activity-kind",
    hours: "activity-hours",
    notes: "activity-notes",
  };
  wire(form, fields, async () => {
    const pairId = form.querySelector("#activity-pair").value;
    const date = form.querySelector("#activity-date").value;
    const hoursText = form.querySelector("#activity-hours").value.trim();
    const notes = form.querySelector("#activity-notes").value.trim();
    if (!pairId) throw missing("pairId", "结对");
    if (!date) throw missing("date", "活动日期");
    if (!hoursText) throw missing("hours", "时长");
    const hours = Number(hoursText);
    await gql(LOG_ACTIVITY, {
      input: { pairId, date, kind: form.querySelector("#activity-kind").value, hours, notes: notes || null },
    });
    const chosen = studio.pairs.find((p) => p.id === pairId);
    return `已记录 ${chosen ? chosen.mentee.name + " 的" : ""}${ACTIVITY_KIND_WORDS[form.querySelector("#activity-kind").value]}（${date}，${formatHours(hours)} 小时）。`;
  }, submitted);
  if (!pairs.length) {
    form.querySelector("button[type=submit]").disabled = true;
    form.append(el("p", { class: "hint" }, "先添加结对学员，再记录活动。"));
  }
  return form;
}
