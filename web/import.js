// 导入 Excel: HR's upload page (#/import). A sheet loads all or nothing, through the same
// code as `teacher-registry import`: the page shows the counts of a load (or of a dry run),
// or every problem of a refused sheet, row by row, as the API lists them.

import { upload, describe, ApiError } from "./api.js";
import { el, clear, ensureStylesheet, setState, showMessage, fieldError, clearMarks } from "./pages-common.js";

/** The five sheets: the mutation, the words, the template, the columns (required marked *). */
export const KINDS = [
  { kind: "teachers", mutation: "importTeachers", words: "教师",
    columns: "工号*、姓名*、性别*、出生日期、身份证号、学校*、学段*、学科*、学历*、入职日期" },
  { kind: "schools", mutation: "importSchools", words: "学校",
    columns: "学校*、乡镇*、城区/农村*、学段*（小学、初中或“小学;初中”）" },
  { kind: "designations", mutation: "importDesignations", words: "称号",
    columns: "工号*、称号*、级别*、学科、批次、认定日期*、有效期至、证书编号" },
  { kind: "enrollments", mutation: "importEnrollments", words: "在校生数",
    columns: "学校*、学年*（2025 或 2025-2026）、学段*、在校生数*" },
  { kind: "training-records", mutation: "importTrainingRecords", words: "培训记录",
    columns: "工号*、培训名称*、级别*（国培、省培、市培、县培、校本研修）、类型*（集中培训、外出学习、校本研修、网络研修）、主办单位*、开始日期*、结束日期*、学时*（每天至多 10）" },
];

/** The API lists at most this many problems; `problemCount` has them all. */
const LISTED_AT_MOST = 1000;

const view = { kind: "teachers", dryRun: true };

/** Draws the page into `root`. */
export async function render(root) {
  ensureStylesheet();
  setState("loading");
  clear(root);
  const kindSelect = el("select", { id: "import-kind", name: "kind" },
    ...KINDS.map((k) => el("option", { value: k.kind, selected: k.kind === view.kind }, k.words)));
  const fileInput = el("input", { id: "import-file", name: "file", type: "file", accept: ".xlsx,.csv", required: true });
  const dryRun = el("input", { id: "import-dry-run", name: "dryRun", type: "checkbox", checked: view.dryRun });
  const columns = el("p", { class: "hint", id: "import-columns" });
  const button = el("button", { type: "submit" });
  const form = el("form", { id: "import-form", class: "card-form", "aria-labelledby": "import-form-title" },
    el("h3", { id: "import-form-title" }, "上传表格"),
    el("p", { class: "field" }, el("label", { for: "import-kind" }, "表格类型"), kindSelect),
    columns,
    el("p", { class: "field" }, el("label", { for: "import-file" }, "文件（.xlsx 或 .csv）"), fileInput),
    el("p", { class: "field check" }, dryRun, el("label", { for: "import-dry-run" }, "仅检查（不写入）")),
    el("p", { class: "actions" }, button));
  const report = el("section", { id: "import-report", class: "block", "aria-live": "polite", "aria-labelledby": "import-report-title" });

  const sync = () => {
    const k = KINDS.find((x) => x.kind === kindSelect.value);
    columns.textContent = `列（* 为必填）：${k.columns}`;
    button.textContent = dryRun.checked ? "检查表格" : "导入";
  };
  kindSelect.addEventListener("change", () => { view.kind = kindSelect.value; sync(); });
  dryRun.addEventListener("change", () => { view.dryRun = dryRun.checked; sync(); });
  sync();

  form.noValidate = true;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMarks(form);
    const k = KINDS.find((x) => x.kind === kindSelect.value);
    const file = fileInput.files && fileInput.files[0];
    if (!file) {
      showMessage(form, false, "请选择要上传的文件", fieldError(form, "import-file"));
      return;
    }
    button.disabled = true;
    setState("loading");
    clear(report);
    report.append(el("p", { class: "hint" }, `正在上传 ${file.name}…`));
    try {
      const result = await upload(k.mutation, file, dryRun.checked);
      showReport(report, k, result);
      showMessage(form, true, result.dryRun
        ? `${file.name}：检查通过，共 ${result.rows} 行，未写入。`
        : `${file.name}：已导入 ${result.rows} 行。`);
    } catch (err) {
      showProblems(report, k, file, err);
      showMessage(form, false, describe(err));
    } finally {
      button.disabled = false;
      setState("ready");
    }
  });

  root.append(el("section", { class: "page import-page", "aria-labelledby": "import-title" },
    el("h2", { id: "import-title" }, "导入 Excel 表格"),
    el("p", {}, "表格整表导入：任何一行有误则整表不写入，并逐行列出问题。" +
      "同一表格再次导入只更新有变化的记录。表头可用中文或接口字段名，顺序不限。"),
    templates(),
    form,
    report));
  setState("ready");
}

function templates() {
  return el("section", { class: "block templates", "aria-labelledby": "templates-title" },
    el("h3", { id: "templates-title" }, "空白模板"),
    el("ul", {}, ...KINDS.map((k) => el("li", {},
      el("a", { href: `/templates/${k.kind}.xlsx`, download: `${k.words}.xlsx` }, `${k.words}模板（.xlsx）`),
      "　",
      el("a", { href: `/templates/${k.kind}.csv`, download: `${k.words}.csv` }, "CSV")))));
}

function showReport(report, k, r) {
  clear(report);
  const rows = [
    ["文件", r.fileName],
    ["表格类型", k.words],
    ["数据行数", r.rows],
    ["新增", r.created],
    ["更新", r.updated],
    ["未变", r.unchanged],
    ["忽略的列", r.unknownColumns.length ? r.unknownColumns.join("、") : "无"],
  ];
  report.append(
    el("h3", { id: "import-report-title" }, r.dryRun ? "检查结果（未写入）" : "导入结果"),
    el("table", { class: "data report", id: "import-counts" },
      el("tbody", {}, ...rows.map(([name, value]) => el("tr", { "data-name": name },
        el("th", { scope: "row" }, name), el("td", {}, String(value)))))),
    r.dryRun
      ? el("p", { class: "hint" }, "这是检查结果：登记册未作任何更改。取消勾选“仅检查（不写入）”后再次提交即可导入。")
      : "",
  );
}

function showProblems(report, k, file, err) {
  clear(report);
  const problems = (err instanceof ApiError && Array.isArray(err.extensions.problems))
    ? err.extensions.problems : null;
  if (!problems) {
    report.append(el("h3", { id: "import-report-title" }, "未能导入"),
      el("p", {}, `${file.name}：${describe(err)}`));
    return;
  }
  const total = err.extensions.problemCount ?? problems.length;
  report.append(
    el("h3", { id: "import-report-title" }, "表格有误，未写入任何数据"),
    el("p", { id: "import-problem-count", "data-count": total },
      `${file.name}（${k.words}）共有 ${total} 处问题`,
      total > problems.length
        ? `，以下仅列出前 ${problems.length} 处（最多列出 ${LISTED_AT_MOST} 处）。`
        : "。",
      "请修改后重新上传。"),
    el("div", { class: "scroll" },
      el("table", { id: "import-problems", class: "data" },
        el("thead", {}, el("tr", {}, ...["行", "列", "值", "原因"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...problems.map((p) => el("tr", { "data-row": p.row ?? "" },
          el("td", {}, p.row ?? "—"),
          el("td", {}, p.column ?? "—"),
          el("td", {}, p.value ?? ""),
          el("td", {}, p.reason ?? "")))))),
  );
}
