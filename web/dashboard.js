// The leadership dashboard (#/): targets, key teachers by township and level, the
// balanced-development indicators and the studios, all as of one day. Each section loads on
// its own (in parallel) so a refusal in one (a studio host may not read the indicators) leaves
// the others standing. body[data-state] is "loading" while anything fetches, "ready" once
// everything on screen is drawn, "error" when every section failed.

import { gql, download, describe, ApiError } from "./api.js";
import { historyChart } from "./chart.js";
import {
  STATUS_WORDS,
  LEVEL_WORDS,
  COUNT_LEVELS,
  STAGE_WORDS,
  STUDIO_STATUS_WORDS,
  MEMBER_ROLE_WORDS,
  METRIC_UNITS,
  percent,
  INDICATORS,
  per100,
  gap,
  projected,
  daysLeftWords,
  schoolYearWords,
  today,
  schoolYearOf,
} from "./dashboard-words.js";

/** Builds an element: h("p", { class: "x", dataset: { code: "A" } }, "text", child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** A word for screen readers only. */
const hidden = (text) => h("span", { class: "visually-hidden" }, text);

/** What the dashboard remembers between visits in this tab. */
const settings = { asOf: today(), stage: "", schoolYear: null, schoolYearChosen: false };
let schoolYears = null; // the school years with enrollments, loaded once

/** The view on screen; a newer render makes older ones inert. */
let current = null;

export async function render(main, { me, onSignedOut }) {
  const view = new View(main, me, onSignedOut);
  current = view;
  view.build();
  await view.loadAll();
}

/** Called by the router when another view takes the screen. */
export function leave() {
  current = null;
}

class View {
  constructor(main, me, onSignedOut) {
    this.main = main;
    this.me = me;
    this.onSignedOut = onSignedOut;
    this.pending = 0;
    this.failed = new Set();
    this.generation = { targets: 0, counts: 0, balance: 0, studios: 0, conversion: 0, training: 0 };
    this.progress = null; // the latest progress answer, for the studios' quota
  }

  get live() {
    return current === this;
  }

  setState(state) {
    if (this.live) document.body.dataset.state = state;
  }

  /** Runs one section's load, keeping body[data-state] in step with what is pending. */
  async track(section, load) {
    this.pending += 1;
    this.setState("loading");
    const generation = ++this.generation[section];
    const isCurrent = () => this.live && generation === this.generation[section];
    try {
      await load(isCurrent);
      if (isCurrent()) this.failed.delete(section);
    } catch (error) {
      if (isCurrent()) this.showError(section, error);
    } finally {
      this.pending -= 1;
      if (this.pending === 0) {
        this.setState(this.failed.size === Object.keys(this.generation).length ? "error" : "ready");
      }
    }
  }

  showError(section, error) {
    if (error instanceof ApiError && error.code === "UNAUTHENTICATED") {
      if (this.live) this.onSignedOut();
      return;
    }
    const box = this.bodies[section];
    box.replaceChildren();
    if (error instanceof ApiError && error.code === "FORBIDDEN") {
      // Not a failure of the page: this account does not see this part.
      box.append(h("p", { class: "notice" }, "当前账号无权查看本部分内容。"));
      // Nothing to filter or export either.
      const head = box.closest("section")?.querySelector(".section-head");
      for (const control of head ? head.parentElement.querySelectorAll(".section-head form, button.export, p.hint") : []) control.hidden = true;
      return;
    }
    this.failed.add(section);
    box.append(h("p", { class: "alert", role: "alert" }, `加载失败：${describe(error)}`));
    console.warn(section, error);
  }

  build() {
    const asOf = h("input", {
      id: "as-of",
      type: "date",
      value: settings.asOf,
      required: true,
      onchange: () => {
        if (!asOf.value || asOf.value === settings.asOf) return;
        settings.asOf = asOf.value;
        if (!settings.schoolYearChosen) settings.schoolYear = null;
        this.loadAll();
      },
    });
    this.bodies = {
      targets: h("div", { class: "cards" }),
      counts: h("div", { class: "table-wrap" }),
      balance: h("div", { class: "balance-body" }),
      studios: h("div", { class: "studios" }),
      conversion: h("div", { class: "table-wrap" }),
      training: h("div", { class: "table-wrap" }),
    };
    this.messages = h("p", { class: "alert export-error", role: "alert", hidden: true });

    this.stage = h(
      "select",
      {
        id: "counts-stage",
        onchange: () => {
          settings.stage = this.stage.value;
          this.track("counts", (ok) => this.loadCounts(ok));
        },
      },
      h("option", { value: "" }, "全部"),
      h("option", { value: "PRIMARY" }, "小学"),
      h("option", { value: "JUNIOR" }, "初中"),
    );
    this.stage.value = settings.stage;

    this.schoolYear = h("select", {
      id: "school-year",
      onchange: () => {
        settings.schoolYear = Number(this.schoolYear.value);
        settings.schoolYearChosen = true;
        this.track("balance", (ok) => this.loadBalance(ok));
      },
    });

    this.main.replaceChildren(
      h(
        "div",
        { class: "dashboard" },
        h(
          "form",
          { class: "toolbar", onsubmit: (e) => e.preventDefault() },
          h("label", { for: "as-of" }, "统计日期"),
          asOf,
          h("span", { class: "hint" }, "（所有数字均为该日终了时的情况）"),
          h("button", { type: "button", class: "print", onclick: () => window.print() }, "打印目标卡片"),
        ),
        this.messages,
        h(
          "section",
          { id: "targets", "aria-labelledby": "targets-title" },
          h(
            "div",
            { class: "section-head" },
            h("h2", { id: "targets-title" }, "规划目标进展"),
            this.exportButton("导出 Excel", () => [`/export/progress.xlsx?asOf=${settings.asOf}`, `progress-${settings.asOf}.xlsx`]),
          ),
          this.bodies.targets,
        ),
        h(
          "section",
          { id: "key-teachers-section", "aria-labelledby": "counts-title" },
          h(
            "div",
            { class: "section-head" },
            h("h2", { id: "counts-title" }, "县级及以上骨干教师分布"),
            h(
              "form",
              { class: "filters", onsubmit: (e) => e.preventDefault() },
              h("label", { for: "counts-stage" }, "学段"),
              this.stage,
            ),
            this.exportButton("导出 Excel", () => {
              const stage = settings.stage ? `&stage=${settings.stage}` : "";
              return [
                `/export/counts.xlsx?groupBy=TOWNSHIP,LEVEL&asOf=${settings.asOf}${stage}`,
                `key-teacher-counts-${settings.asOf}.xlsx`,
              ];
            }),
            this.exportButton("导出教师名单", () => {
              const stage = settings.stage ? `&stage=${settings.stage}` : "";
              return [`/export/teachers.xlsx?asOf=${settings.asOf}${stage}`, `teachers-${settings.asOf}.xlsx`];
            }),
          ),
          this.bodies.counts,
        ),
        h(
          "section",
          { id: "balance", "aria-labelledby": "balance-title" },
          h(
            "div",
            { class: "section-head" },
            h("h2", { id: "balance-title" }, "义务教育优质均衡：教师配置指标"),
            h(
              "form",
              { class: "filters", onsubmit: (e) => e.preventDefault() },
              h("label", { for: "school-year" }, "学年"),
              this.schoolYear,
            ),
            this.exportButton("导出 Excel", () => [
              `/export/balance.xlsx?schoolYear=${settings.schoolYear}&asOf=${settings.asOf}`,
              `balance-${settings.schoolYear}-${settings.asOf}.xlsx`,
            ]),
          ),
          h(
            "p",
            { class: "hint" },
            "每百名学生拥有的教师数；标为",
            h("span", { class: "below-sample" }, "红色"),
            "的学校低于标准；各学段差异系数不超过上限为达标。",
          ),
          this.bodies.balance,
        ),
        h(
          "section",
          { id: "growth", "aria-labelledby": "growth-title" },
          h("div", { class: "section-head" }, h("h2", { id: "growth-title" }, "教师成长：培养成效与继续教育学时")),
          h(
            "p",
            { class: "hint" },
            "结对培养对象和骨干教师后备人才中，结对（入库）之后获评县级及以上骨干称号、统计日仍在职在任的人数；",
            "继续教育学时按五年周期统计，每满一个在职整年应修 72 学时。",
          ),
          this.bodies.conversion,
          this.bodies.training,
        ),
        h(
          "section",
          { id: "studios", "aria-labelledby": "studios-title" },
          h("div", { class: "section-head" }, h("h2", { id: "studios-title" }, "名师工作室与结对培养")),
          this.bodies.studios,
        ),
      ),
    );
    for (const body of Object.values(this.bodies)) body.append(h("p", { class: "placeholder" }, "加载中…"));
  }

  exportButton(text, where) {
    return h(
      "button",
      {
        type: "button",
        class: "export",
        onclick: async (event) => {
          const button = event.currentTarget;
          const [path, name] = where();
          button.disabled = true;
          this.messages.hidden = true;
          try {
            await download(path, name);
          } catch (error) {
            this.messages.textContent = `导出失败：${describe(error)}`;
            this.messages.hidden = false;
          } finally {
            button.disabled = false;
          }
        },
      },
      text,
    );
  }

  /** Every section, in parallel. */
  loadAll() {
    const progress = this.track("targets", (ok) => this.loadTargets(ok));
    return Promise.all([
      progress,
      this.track("counts", (ok) => this.loadCounts(ok)),
      this.track("balance", (ok) => this.loadBalance(ok)),
      this.track("studios", (ok) => this.loadStudios(ok)),
      this.track("conversion", (ok) => this.loadConversion(ok)),
      this.track("training", (ok) => this.loadTraining(ok)),
    ]);
  }

  // ---- targets ---------------------------------------------------------------------------

  async loadTargets(ok) {
    const asOf = settings.asOf;
    this.progressAnswer = gql(
      `query($asOf: Date) { progress(asOf: $asOf) {
        target { code title metric deadline goal perMember goalRatio }
        current goal ratio rate whole remaining daysLeft projectedAtDeadline status
        history(every: MONTH) { date value } } }`,
      { asOf },
    );
    const data = await this.progressAnswer;
    if (!ok()) return;
    const cards = data.progress.map((p) => targetCard(p));
    this.bodies.targets.replaceChildren(
      ...(cards.length ? cards : [h("p", { class: "notice" }, `${asOf} 没有正在执行的目标。`)]),
    );
  }

  // ---- key teachers by township and level -----------------------------------------------

  async loadCounts(ok) {
    const asOf = settings.asOf;
    const stage = settings.stage || null;
    const data = await gql(
      `query($asOf: Date, $filter: CountFilter) {
        keyTeacherCounts(groupBy: [TOWNSHIP, LEVEL], asOf: $asOf, filter: $filter) { township level count } }`,
      { asOf, filter: stage ? { stage } : null },
    );
    if (!ok()) return;
    this.bodies.counts.replaceChildren(countsTable(data.keyTeacherCounts, asOf, stage));
  }

  // ---- balanced development -------------------------------------------------------------

  async loadBalance(ok) {
    const years = await loadSchoolYears();
    if (settings.schoolYear === null) {
      const wanted = schoolYearOf(settings.asOf);
      const earlier = years.filter((y) => y <= wanted);
      settings.schoolYear = earlier.length ? Math.max(...earlier) : years.length ? Math.min(...years) : wanted;
    }
    const shown = [...new Set([...years, settings.schoolYear])].sort((a, b) => b - a);
    this.schoolYear.replaceChildren(...shown.map((y) => h("option", { value: y }, schoolYearWords(y))));
    this.schoolYear.value = String(settings.schoolYear);

    const asOf = settings.asOf;
    const schoolYear = settings.schoolYear;
    const data = await gql(
      `query($y: Int!, $asOf: Date) { balancedDevelopment(schoolYear: $y, asOf: $asOf) {
        schoolYear asOf stages {
          stage
          indicators { indicator countyValue threshold gapCoefficient gapLimit passes unitsBelowThreshold }
          units { school { id name township } students keyTeachers higherEducation peArts
                  keyTeachersPer100 higherEducationPer100 peArtsPer100 } } } }`,
      { y: schoolYear, asOf },
    );
    if (!ok()) return;
    const report = data.balancedDevelopment;
    this.bodies.balance.replaceChildren(
      ...(report.stages.length
        ? report.stages.map((s) => balanceTable(s, report))
        : [h("p", { class: "notice" }, `${schoolYearWords(schoolYear)}没有登记在校生数。`)]),
    );
  }

  // ---- growth (rules 10 and 12) -----------------------------------------------------------

  async loadConversion(ok) {
    const asOf = settings.asOf;
    const [page, county] = await Promise.all([
      allNodes(
        `query($asOf: Date, $after: String) { studios(first: 100, after: $after) {
          pageInfo { hasNextPage endCursor }
          nodes { id name status conversion(asOf: $asOf) { mentees converted rate } } } }`,
        { asOf },
        "studios",
      ),
      gql(
        `query($asOf: Date) { conversion(asOf: $asOf) {
          mentees { mentees converted rate } reservePool { mentees converted rate } } }`,
        { asOf },
      ),
    ]);
    if (!ok()) return;
    this.bodies.conversion.replaceChildren(conversionTable(page, county.conversion, asOf));
  }

  async loadTraining(ok) {
    const asOf = settings.asOf;
    // The cycle holding the day, and the last day of the one before: early in a cycle nobody
    // owes hours yet, so the closed cycle is what says who fell behind.
    const closed = previousCycleEnd(asOf);
    const data = await gql(
      `query($asOf: Date, $closed: Date) {
        now: trainingCompliance(asOf: $asOf, groupBy: [TOWNSHIP]) { township employed onTrack behind compliance }
        closed: trainingCompliance(asOf: $closed, groupBy: [TOWNSHIP]) { township employed onTrack behind compliance }
        county: trainingCompliance(asOf: $asOf) { employed onTrack behind compliance }
        countyClosed: trainingCompliance(asOf: $closed) { employed onTrack behind compliance } }`,
      { asOf, closed },
    );
    if (!ok()) return;
    this.bodies.training.replaceChildren(trainingTable(data, asOf, closed));
  }

  // ---- studios ---------------------------------------------------------------------------

  async loadStudios(ok) {
    const asOf = settings.asOf;
    const studios = await allNodes(
      `query($asOf: Date, $after: String) { studios(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id name subject level status establishedOn closedOn host { name } school { name }
          members(asOf: $asOf) { teacher { id name } role }
          pairs { mentor { id } startedOn endedOn status activities { date } } } } }`,
      { asOf },
      "studios",
    );
    // The quota per member comes from the mentoring target, when the progress answer has one.
    let perMember = 3;
    try {
      const progress = (await this.progressAnswer).progress;
      const mentoring = progress
        .filter((p) => p.target.metric === "MENTEES_PER_MEMBER" && p.target.perMember)
        .sort((a, b) => (a.daysLeft < 0) - (b.daysLeft < 0) || Math.abs(a.daysLeft) - Math.abs(b.daysLeft));
      if (mentoring.length) perMember = mentoring[0].target.perMember;
    } catch {
      // keep the plan's 3
    }
    if (!ok()) return;
    this.bodies.studios.replaceChildren(
      ...(studios.length
        ? studios.map((s) => studioCard(s, asOf, perMember))
        : [h("p", { class: "notice" }, "没有可查看的工作室。")]),
    );
  }
}

/** Every node of a paged list, following its cursors. */
async function allNodes(query, variables, field) {
  const nodes = [];
  let after = null;
  for (;;) {
    const data = await gql(query, { ...variables, after });
    nodes.push(...data[field].nodes);
    if (!data[field].pageInfo.hasNextPage) return nodes;
    after = data[field].pageInfo.endCursor;
  }
}

/** The school years with enrollments, newest first (asked once per tab). */
async function loadSchoolYears() {
  if (schoolYears) return schoolYears;
  const schools = await allNodes(
    `query($after: String) { schools(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor } nodes { enrollments { schoolYear students } } } }`,
    {},
    "schools",
  );
  const years = new Set();
  for (const s of schools) for (const e of s.enrollments) if (e.students > 0) years.add(e.schoolYear);
  schoolYears = [...years].sort((a, b) => b - a);
  return schoolYears;
}

// ---- drawing ---------------------------------------------------------------------------------

function targetCard(p) {
  const t = p.target;
  const unit = METRIC_UNITS[t.metric] || "";
  const status = p.status.toLowerCase().replace("_", "-");
  const ratio = Math.max(0, p.ratio);
  const fill = h("div", { class: "fill" });
  fill.style.width = `${Math.min(ratio, 1) * 100}%`;
  const goalNote = goalNoteOf(p);
  // Past the deadline the status is judged on the deadline's value, which may differ from
  // today's: say it, when the history holds a point on that day.
  const atDeadline = p.daysLeft < 0 ? p.history.find((pt) => pt.date === t.deadline) : null;
  const deadlineNote = atDeadline
    ? h(
        "p",
        { class: "deadline-note" },
        `截止日 ${t.deadline} 时为 `,
        h("span", { dataset: { field: "at-deadline" } }, String(atDeadline.value)),
        ` ${unit}，据此判定${STATUS_WORDS[p.status] || ""}。`,
      )
    : null;
  return h(
    "article",
    { class: `target-card status-${status}`, dataset: { code: t.code }, "aria-labelledby": `t-${t.code}` },
    h("h3", { id: `t-${t.code}` }, t.title),
    h(
      "p",
      { class: "figures" },
      h("span", { class: "visually-hidden" }, "现有 "),
      h("span", { class: "current", dataset: { field: "current" } }, String(p.current)),
      h("span", { class: "of" }, " / "),
      h("span", { class: "visually-hidden" }, "目标 "),
      h("span", { class: "goal", dataset: { field: "goal" } }, String(p.goal)),
      h("span", { class: "unit" }, ` ${unit}`),
    ),
    goalNote,
    deadlineNote,
    h(
      "div",
      {
        class: "bar",
        role: "progressbar",
        "aria-label": "完成比例",
        "aria-valuemin": 0,
        "aria-valuemax": 100,
        "aria-valuenow": Math.round(ratio * 100),
        "aria-valuetext": `${Math.round(ratio * 100)}%`,
      },
      fill,
    ),
    h(
      "dl",
      { class: "facts" },
      h("div", {}, h("dt", {}, "状态"), h("dd", {}, h("span", { class: "status", dataset: { field: "status", value: p.status } }, STATUS_WORDS[p.status] || p.status))),
      h("div", {}, h("dt", {}, "完成率"), h("dd", { dataset: { field: "ratio" } }, `${Math.round(ratio * 100)}%`)),
      h("div", {}, h("dt", {}, "截止日期"), h("dd", {}, h("time", { datetime: t.deadline, dataset: { field: "deadline" } }, t.deadline))),
      h("div", {}, h("dt", {}, "距截止"), h("dd", {}, h("span", { dataset: { field: "days-left", value: p.daysLeft } }, daysLeftWords(p.daysLeft)))),
      h("div", {}, h("dt", {}, "截止日预计"), h("dd", {}, h("span", { dataset: { field: "projected" }, title: p.projectedAtDeadline === null ? "截止日已过或尚无基线，不作预计" : "按基线以来的速度直线推算" }, projected(p.projectedAtDeadline)))),
      h("div", {}, h("dt", {}, "尚差"), h("dd", { dataset: { field: "remaining" } }, `${p.remaining} ${unit}`)),
    ),
    h(
      "figure",
      { class: "history" },
      historyChart(p.history, { goal: p.goal, label: `${t.title}：逐月变化，目标 ${p.goal}` }),
      h("figcaption", {}, "逐月变化（虚线为目标）"),
    ),
  );
}

/** What a goal that varies by day is made of, in words; null for a fixed goal. */
function goalNoteOf(p) {
  const t = p.target;
  const note = (text) => h("p", { class: "goal-note" }, text);
  if (t.metric === "MENTEES_PER_MEMBER" && t.perMember) {
    return note(`每名成员 ${t.perMember} 对 × 在册成员 ${p.goal / t.perMember || 0} 名`);
  }
  if (t.metric === "TRAINING_COMPLIANCE" && t.goalRatio !== null) {
    return note(
      `学时达标率 ${percent(p.rate)}，目标 ${percent(t.goalRatio)} × 在职教师 ${p.whole} 人`,
    );
  }
  if (t.metric === "CONVERTED_MENTEES" && p.rate !== null) {
    return note(`结对培养对象 ${p.whole} 人，已成长为县级及以上骨干 ${percent(p.rate)}`);
  }
  return null;
}

/** The last day of the five-year training cycle (2021–2025, 2026–2030, …) before `asOf`'s. */
export function previousCycleEnd(asOf) {
  const year = Number(asOf.slice(0, 4));
  const start = 2021 + 5 * Math.floor((year - 2021) / 5);
  return `${start - 1}-12-31`;
}

/** Each studio's conversion, then the county's (each person once) and the reserve pool's. */
function conversionTable(studios, county, asOf) {
  const rows = studios
    .filter((s) => s.conversion.mentees > 0 || s.status !== "PLANNED")
    .sort((a, b) => b.conversion.converted - a.conversion.converted || b.conversion.rate - a.conversion.rate);
  const row = (label, c, attrs) =>
    h(
      "tr",
      attrs,
      h("th", { scope: "row" }, label),
      h("td", { class: "num", dataset: { field: "mentees" } }, String(c.mentees)),
      h("td", { class: c.converted ? "num" : "num zero", dataset: { field: "converted" } }, String(c.converted)),
      h("td", { class: "num", dataset: { field: "rate", value: c.rate } }, percent(c.rate)),
    );
  return h(
    "table",
    { id: "conversion", class: "counts" },
    h("caption", {}, `结对培养成效：成长为县级及以上骨干教师的人数，截至 ${asOf}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "工作室"),
        h("th", { scope: "col", class: "num" }, "培养对象"),
        h("th", { scope: "col", class: "num" }, "已成长为骨干"),
        h("th", { scope: "col", class: "num" }, "转化率"),
      ),
    ),
    h(
      "tbody",
      {},
      rows.length
        ? rows.map((s) => row(s.name, s.conversion, { dataset: { studio: s.id } }))
        : h("tr", {}, h("td", { colspan: 4 }, "没有可查看的工作室。")),
    ),
    h(
      "tfoot",
      {},
      row("全县（每人计一次）", county.mentees, { class: "totals", dataset: { cohort: "COUNTY" } }),
      row("骨干教师后备人才库", county.reservePool, { dataset: { cohort: "RESERVE_POOL" } }),
    ),
  );
}

/** Training compliance by township on the day asked and on the closed cycle's last day; the
 * county's line is the API's own ungrouped row (an empty registry has none). */
function trainingTable({ now, closed, county, countyClosed }, asOf, closedOn) {
  const byTownship = new Map();
  for (const r of now) byTownship.set(r.township, { now: r });
  for (const r of closed) byTownship.set(r.township, { ...byTownship.get(r.township), closed: r });
  const townships = [...byTownship.entries()].sort(
    (a, b) => (b[1].closed?.behind ?? 0) - (a[1].closed?.behind ?? 0) || a[0].localeCompare(b[0], "zh-CN"),
  );
  const cells = (r, when) =>
    r
      ? [
          h("td", { class: "num", dataset: { field: `${when}-employed` } }, String(r.employed)),
          h("td", { class: r.behind ? "num below" : "num zero", dataset: { field: `${when}-behind` } }, String(r.behind)),
          h("td", { class: "num", dataset: { field: `${when}-compliance`, value: r.compliance } }, percent(r.compliance)),
        ]
      : [h("td", { class: "num zero" }, "—"), h("td", { class: "num zero" }, "—"), h("td", { class: "num zero" }, "—")];
  return h(
    "table",
    { id: "training", class: "counts" },
    h("caption", {}, `继续教育学时达标情况（按乡镇）：截至 ${asOf}，及上一周期末 ${closedOn}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", rowspan: 2 }, "乡镇"),
        h("th", { scope: "colgroup", colspan: 3, class: "num" }, `截至 ${asOf}`),
        h("th", { scope: "colgroup", colspan: 3, class: "num" }, `上一周期末 ${closedOn}`),
      ),
      h(
        "tr",
        {},
        ...["在职", "未达标", "达标率", "在职", "未达标", "达标率"].map((w) => h("th", { scope: "col", class: "num" }, w)),
      ),
    ),
    h(
      "tbody",
      {},
      townships.length
        ? townships.map(([township, r]) =>
            h("tr", { dataset: { township } }, h("th", { scope: "row" }, township), ...cells(r.now, "now"), ...cells(r.closed, "closed")),
          )
        : h("tr", {}, h("td", { colspan: 7 }, "该日没有在职教师。")),
    ),
    h(
      "tfoot",
      {},
      h("tr", { class: "totals" }, h("th", { scope: "row" }, "全县"), ...cells(county[0], "now"), ...cells(countyClosed[0], "closed")),
    ),
  );
}

function countsTable(rows, asOf, stage) {
  const byTownship = new Map();
  for (const r of rows) {
    if (!byTownship.has(r.township)) byTownship.set(r.township, {});
    const cells = byTownship.get(r.township);
    cells[r.level] = (cells[r.level] || 0) + r.count;
  }
  const total = (cells) => COUNT_LEVELS.reduce((s, l) => s + (cells[l] || 0), 0);
  const townships = [...byTownship.entries()].sort(
    (a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0], "zh-CN"),
  );
  const widest = Math.max(1, ...townships.map(([, c]) => total(c)));
  const sums = {};
  for (const [, cells] of townships) for (const l of COUNT_LEVELS) sums[l] = (sums[l] || 0) + (cells[l] || 0);

  const bar = (cells) => {
    const stack = h("div", { class: "stack", "aria-hidden": "true" });
    for (const l of COUNT_LEVELS) {
      if (!cells[l]) continue;
      const seg = h("span", { class: `seg level-${l.toLowerCase()}` });
      seg.style.width = `${(cells[l] / widest) * 100}%`;
      stack.append(seg);
    }
    return stack;
  };
  const num = (n) => h("td", { class: n ? "num" : "num zero" }, String(n));

  return h(
    "table",
    { id: "key-teachers", class: "counts" },
    h("caption", {}, `县级及以上骨干教师（按乡镇、最高级别），${stage ? STAGE_WORDS[stage] : "全部学段"}，截至 ${asOf}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "乡镇"),
        ...COUNT_LEVELS.map((l) => h("th", { scope: "col", class: "num" }, LEVEL_WORDS[l])),
        h("th", { scope: "col", class: "num" }, "合计"),
        h("th", { scope: "col", class: "bar-col" }, "分布"),
      ),
    ),
    h(
      "tbody",
      {},
      townships.length
        ? townships.map(([township, cells]) =>
            h(
              "tr",
              { dataset: { township } },
              h("th", { scope: "row" }, township),
              ...COUNT_LEVELS.map((l) => {
                const td = num(cells[l] || 0);
                td.dataset.level = l;
                return td;
              }),
              h("td", { class: "num total", dataset: { level: "TOTAL" } }, String(total(cells))),
              h("td", { class: "bar-col" }, bar(cells)),
            ),
          )
        : h("tr", {}, h("td", { colspan: COUNT_LEVELS.length + 3 }, "该日没有县级及以上骨干教师。")),
    ),
    h(
      "tfoot",
      {},
      h(
        "tr",
        { class: "totals" },
        h("th", { scope: "row" }, "全县"),
        ...COUNT_LEVELS.map((l) => h("td", { class: "num", dataset: { level: l } }, String(sums[l] || 0))),
        h("td", { class: "num total", dataset: { level: "TOTAL" } }, String(total(sums))),
        h(
          "td",
          { class: "bar-col legend" },
          ...COUNT_LEVELS.map((l) => h("span", { class: "key" }, h("span", { class: `swatch level-${l.toLowerCase()}`, "aria-hidden": "true" }), LEVEL_WORDS[l])),
        ),
      ),
    ),
  );
}

function balanceTable(stage, report) {
  const byCode = Object.fromEntries(stage.indicators.map((i) => [i.indicator, i]));
  const indicators = INDICATORS.filter((i) => byCode[i.code]);
  const allPass = indicators.every((i) => byCode[i.code].passes);
  const stageWords = STAGE_WORDS[stage.stage] || stage.stage;

  const unitRow = (u) =>
    h(
      "tr",
      { dataset: { school: u.school.id } },
      h("th", { scope: "row" }, u.school.name, h("span", { class: "township" }, u.school.township)),
      h("td", { class: "num" }, String(u.students)),
      ...indicators.flatMap((i) => {
        const value = u[i.per100];
        const below = value < byCode[i.code].threshold;
        return [
          h("td", { class: "num count" }, String(u[i.count])),
          h(
            "td",
            { class: below ? "num below" : "num", dataset: { indicator: i.code, value } },
            per100(value),
            below ? hidden("（低于标准）") : null,
          ),
        ];
      }),
    );

  const summary = (label, field, cell) =>
    h(
      "tr",
      { class: `summary ${field}` },
      h("th", { scope: "row", colspan: 2 }, label),
      ...indicators.map((i) => {
        const [text, attrs] = cell(byCode[i.code]);
        return h("td", { colspan: 2, class: `num ${attrs.class || ""}`, dataset: { field, indicator: i.code, ...(attrs.dataset || {}) } }, ...[text].flat());
      }),
    );

  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: `balance ${allPass ? "passes" : "fails"}`, dataset: { stage: stage.stage } },
      h(
        "caption",
        {},
        `${stageWords}（${schoolYearWords(report.schoolYear)}，截至 ${report.asOf}）：`,
        h("span", { class: allPass ? "pass" : "fail" }, allPass ? "三项差异系数均达标" : "有差异系数未达标"),
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", rowspan: 2 }, "学校"),
          h("th", { scope: "col", rowspan: 2, class: "num" }, "在校生"),
          ...indicators.map((i) => h("th", { scope: "colgroup", colspan: 2 }, i.words)),
        ),
        h(
          "tr",
          {},
          ...indicators.flatMap(() => [
            h("th", { scope: "col", class: "num" }, "人数"),
            h("th", { scope: "col", class: "num" }, "每百名学生"),
          ]),
        ),
      ),
      h("tbody", {}, stage.units.map(unitRow)),
      h(
        "tfoot",
        {},
        summary("县域值（每百名学生）", "county-value", (s) => [per100(s.countyValue), { dataset: { value: s.countyValue } }]),
        summary("标准", "threshold", (s) => [`≥ ${s.threshold.toFixed(1)}`, {}]),
        summary("低于标准的学校", "units-below", (s) => [`${s.unitsBelowThreshold} 所`, { dataset: { value: s.unitsBelowThreshold } }]),
        summary("差异系数（上限）", "gap", (s) => [
          [
            `${gap(s.gapCoefficient)}（≤ ${s.gapLimit.toFixed(2)}）`,
            h("span", { class: s.passes ? "pass" : "fail" }, s.passes ? " 达标" : " 未达标"),
          ],
          { dataset: { value: s.gapCoefficient, passes: s.passes } },
        ]),
      ),
    ),
  );
}

/** Mentees of one member as of a day, counted as rule 7 counts them before the cap. */
function menteesOf(studio, teacherId, asOf) {
  return studio.pairs.filter(
    (p) =>
      p.mentor.id === teacherId &&
      p.startedOn <= asOf &&
      !(p.status === "WITHDRAWN" && p.endedOn && p.endedOn <= asOf),
  ).length;
}

function studioCard(s, asOf, perMember) {
  const members = s.members.map((m) => ({ ...m, mentees: menteesOf(s, m.teacher.id, asOf) }));
  const counted = members.reduce((sum, m) => sum + Math.min(m.mentees, perMember), 0);
  const quota = perMember * members.length;
  const activities = s.pairs
    .filter((p) => p.startedOn <= asOf)
    .reduce((n, p) => n + p.activities.filter((a) => a.date <= asOf).length, 0);

  const meter = (n) => {
    const m = h("span", { class: "meter", "aria-hidden": "true" });
    for (let i = 0; i < perMember; i += 1) m.append(h("span", { class: i < n ? "pip on" : "pip" }));
    return m;
  };

  return h(
    "article",
    { class: `studio studio-${s.status.toLowerCase()}`, dataset: { id: s.id }, "aria-labelledby": `s-${s.id}` },
    h("h3", { id: `s-${s.id}` }, s.name),
    h(
      "p",
      { class: "meta" },
      `${LEVEL_WORDS[s.level] || s.level} · ${s.subject} · ${s.school.name} · `,
      h("span", { class: "studio-status", dataset: { field: "status" } }, STUDIO_STATUS_WORDS[s.status] || s.status),
    ),
    h("p", { class: "host" }, "主持人：", h("span", { dataset: { field: "host" } }, s.host.name)),
    members.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "members" },
            h("caption", { class: "visually-hidden" }, `${s.name}的在册成员，截至 ${asOf}`),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, "成员"),
                h("th", { scope: "col" }, "角色"),
                h("th", { scope: "col", class: "num" }, `结对（定额 ${perMember}）`),
              ),
            ),
            h(
              "tbody",
              {},
              members.map((m) =>
                h(
                  "tr",
                  { class: m.mentees >= perMember ? "met" : "short" },
                  h("th", { scope: "row" }, m.teacher.name),
                  h("td", {}, MEMBER_ROLE_WORDS[m.role] || m.role),
                  h(
                    "td",
                    { class: "num", dataset: { field: "mentees", value: m.mentees } },
                    meter(m.mentees),
                    ` ${m.mentees} / ${perMember}`,
                  ),
                ),
              ),
            ),
          ),
        )
      : h("p", { class: "notice" }, `${asOf} 没有在册成员。`),
    h(
      "dl",
      { class: "facts" },
      h("div", {}, h("dt", {}, "成员"), h("dd", { dataset: { field: "members" } }, `${members.length} 名`)),
      h("div", {}, h("dt", {}, "结对计入"), h("dd", { dataset: { field: "quota", value: counted } }, `${counted} / ${quota}`)),
      h("div", {}, h("dt", {}, "活动记录"), h("dd", { dataset: { field: "activities", value: activities } }, `${activities} 次`)),
    ),
  );
}
