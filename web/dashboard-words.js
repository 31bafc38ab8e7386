// The dashboard's words: the API's enum values in Chinese, and how numbers are shown.

export const STATUS_WORDS = {
  ACHIEVED: "已达成",
  ON_TRACK: "按计划推进",
  AT_RISK: "有风险",
  MISSED: "未达成",
};

export const LEVEL_WORDS = {
  SCHOOL: "校级",
  COUNTY: "县级",
  MUNICIPAL: "市级",
  PROVINCIAL: "省级",
  NATIONAL: "国家级",
};

/** The levels a key-teacher count can hold (at the default minimum level, COUNTY). */
export const COUNT_LEVELS = ["COUNTY", "MUNICIPAL", "PROVINCIAL", "NATIONAL"];

export const STAGE_WORDS = { PRIMARY: "小学", JUNIOR: "初中" };

export const STUDIO_STATUS_WORDS = { PLANNED: "筹建中", ACTIVE: "运行中", CLOSED: "已关闭" };

export const MEMBER_ROLE_WORDS = { HOST: "主持人", MEMBER: "成员" };

export const METRIC_UNITS = {
  STUDIOS: "个",
  KEY_TEACHERS: "人",
  MENTEES_PER_MEMBER: "对",
  TRAINING_COMPLIANCE: "人",
  CONVERTED_MENTEES: "人",
};

/** A share as shown: one decimal of a percent (the API's values are unrounded). */
export const percent = (v) => `${(100 * (v || 0)).toFixed(1)}%`;

/** The three teacher indicators of the national balanced-development assessment. */
export const INDICATORS = [
  { code: "KEY_TEACHERS", words: "县级及以上骨干教师", count: "keyTeachers", per100: "keyTeachersPer100" },
  {
    code: "HIGHER_EDUCATION",
    words: "高于规定学历教师",
    count: "higherEducation",
    per100: "higherEducationPer100",
  },
  { code: "PE_ARTS", words: "体育、艺术（美术、音乐）专任教师", count: "peArts", per100: "peArtsPer100" },
];

/** A value per 100 students as shown (the API's values are unrounded). */
export const per100 = (v) => v.toFixed(2);

/** A gap coefficient as shown. */
export const gap = (v) => v.toFixed(3);

/** A projection as shown: one decimal, or a dash when there is none. */
export const projected = (v) => (v === null || v === undefined ? "—" : v.toFixed(1));

/** Days to the deadline in words; the signed number stays in data-value. */
export function daysLeftWords(days) {
  if (days > 0) return `剩余 ${days} 天`;
  if (days === 0) return "今天截止";
  return `已过截止日 ${-days} 天`;
}

/** A school year as the schools say it: 2025 → 2025—2026学年. */
export const schoolYearWords = (y) => `${y}—${y + 1}学年`;

/** Today as the browser's calendar has it, YYYY-MM-DD. */
export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The school year a day falls in: from September on, the year's own; before, the last one. */
export function schoolYearOf(date) {
  const [y, m] = date.split("-").map(Number);
  return m >= 9 ? y : y - 1;
}
