// The single-page app: login, the header, and a router over the hash.
//   #/        the dashboard (dashboard.js), for every role
//   #/studio  a studio host's page (studio.js), loaded when asked for
//   #/import  HR's import page (import.js), loaded when asked for
// body[data-state] is "loading" while a view fetches, "ready" once it is drawn, "error" when
// the view failed entirely; the browser tests wait on it.

import { login, logout, session, describe, ApiError } from "./api.js";
import * as dashboard from "./dashboard.js";

const ROLE_WORDS = { ADMIN: "管理员", HR: "人事管理", LEADER: "领导", STUDIO_HOST: "工作室主持人" };

/** Pages beyond the dashboard: the module that draws each, and who sees its link. */
const PAGES = {
  "/studio": { module: "./studio.js", title: "我的工作室", roles: ["STUDIO_HOST"] },
  "/import": { module: "./import.js", title: "数据导入", roles: ["HR", "ADMIN"] },
};

const $ = (id) => document.getElementById(id);
const els = {
  login: $("login"),
  form: $("login-form"),
  username: $("username"),
  password: $("password"),
  error: $("login-error"),
  nav: $("nav"),
  who: $("who"),
  whoName: $("who-name"),
  logout: $("logout"),
  view: $("view"),
};

const setState = (state) => {
  document.body.dataset.state = state;
};

let routing = 0; // the latest route; an older one that finishes late draws nothing

function showLogin(message) {
  routing += 1;
  dashboard.leave();
  els.view.replaceChildren();
  els.nav.hidden = true;
  els.who.hidden = true;
  els.login.hidden = false;
  els.error.textContent = message || "";
  els.error.hidden = !message;
  document.title = "教师队伍建设监测";
  setState("ready");
  (els.username.value ? els.password : els.username).focus();
}

function showChrome(me) {
  els.login.hidden = true;
  els.whoName.textContent = `${me.username}（${ROLE_WORDS[me.role] || me.role}）`;
  els.who.hidden = false;
  const list = els.nav.querySelector("ul");
  list.replaceChildren(link("#/", "总览"));
  for (const [path, page] of Object.entries(PAGES)) {
    if (page.roles.includes(me.role)) list.append(link(`#${path}`, page.title));
  }
  els.nav.hidden = false;
}

function link(href, text) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  li.append(a);
  return li;
}

function markCurrent(path) {
  for (const a of els.nav.querySelectorAll("a")) {
    if (a.getAttribute("href") === `#${path}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function signedOut() {
  showLogin("登录已失效，请重新登录。");
}

async function route() {
  const me = session.me();
  if (!me || !session.token()) {
    showLogin();
    return;
  }
  const mine = ++routing;
  showChrome(me);
  const path = location.hash.replace(/^#/, "").split("?")[0] || "/";
  markCurrent(path === "" ? "/" : path);

  if (path === "/") {
    document.title = "教师队伍建设监测";
    await dashboard.render(els.view, { me, onSignedOut: signedOut });
    return;
  }
  dashboard.leave();
  const page = PAGES[path];
  if (!page) {
    document.title = "页面不存在 - 教师队伍建设监测";
    els.view.replaceChildren(message("页面不存在", "没有这个页面。", true));
    setState("ready");
    return;
  }
  document.title = `${page.title} - 教师队伍建设监测`;
  setState("loading");
  els.view.replaceChildren(message(page.title, "加载中…"));
  let module;
  try {
    module = await import(page.module);
  } catch {
    if (mine !== routing) return;
    els.view.replaceChildren(message(page.title, "此页面暂不可用（页面文件未安装），请稍后再试或联系管理员。", true));
    setState("error");
    return;
  }
  if (mine !== routing) return;
  try {
    els.view.replaceChildren();
    await module.render(els.view, { me });
    if (mine === routing) setState("ready");
  } catch (error) {
    if (mine !== routing) return;
    if (error instanceof ApiError && error.code === "UNAUTHENTICATED") {
      signedOut();
      return;
    }
    els.view.replaceChildren(message(page.title, `加载失败：${describe(error)}`, true));
    setState("error");
  }
}

function message(title, text, alert = false) {
  const section = document.createElement("section");
  section.className = "message";
  const h2 = document.createElement("h2");
  h2.textContent = title;
  const p = document.createElement("p");
  p.textContent = text;
  if (alert) p.setAttribute("role", "alert");
  const back = document.createElement("p");
  const a = document.createElement("a");
  a.href = "#/";
  a.textContent = "返回总览";
  back.append(a);
  section.append(h2, p, back);
  return section;
}

els.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  // Before any wait, so a test that clicks and then waits for "ready" sees this change first.
  setState("loading");
  els.error.hidden = true;
  const button = els.form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    await login(els.username.value.trim(), els.password.value);
    els.password.value = "";
    if (location.hash !== "" && location.hash !== "#/" && !PAGES[location.hash.slice(1)]) location.hash = "#/";
    await route();
  } catch (error) {
    const words =
      error instanceof ApiError && error.code === "UNAUTHENTICATED"
        ? "登录失败：用户名或密码不正确（账号停用或多次输错后暂被锁定时也会如此）。"
        : `登录失败：${describe(error)}`;
    showLogin(words);
  } finally {
    button.disabled = false;
  }
});

els.logout.addEventListener("click", async () => {
  setState("loading");
  try {
    await logout();
  } catch {
    // The session is forgotten either way.
  }
  els.username.value = "";
  els.password.value = "";
  showLogin();
});

window.addEventListener("hashchange", route);
route();
