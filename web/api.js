// The one way the pages talk to the server: GraphQL over fetch, to this server only.
// The token lives in sessionStorage, so it ends with the browser tab's session.

const TOKEN_KEY = "teacher-registry.token";
const ME_KEY = "teacher-registry.me";

/** An error the API answered, with its contract code (UNAUTHENTICATED, FORBIDDEN,
 *  BAD_USER_INPUT, NOT_FOUND, CONFLICT, INTERNAL) and the extensions it carried. */
export class ApiError extends Error {
  constructor(message, code, extensions) {
    super(message);
    this.code = code || "INTERNAL";
    this.extensions = extensions || {};
  }
}

/** What each code means to a reader, in Chinese. The API's own message follows it. */
export const CODE_WORDS = {
  UNAUTHENTICATED: "登录已失效，请重新登录",
  FORBIDDEN: "当前账号无此权限",
  BAD_USER_INPUT: "输入有误",
  NOT_FOUND: "未找到",
  CONFLICT: "与已有记录冲突",
  INTERNAL: "服务器内部错误",
};

/** A message for a person: the code's Chinese words, then the API's detail. */
export function describe(error) {
  if (error instanceof ApiError) {
    const words = CODE_WORDS[error.code] || error.code;
    return error.message ? `${words}：${error.message}` : words;
  }
  return `无法连接服务器：${error.message || error}`;
}

export const session = {
  token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  me() {
    try {
      return JSON.parse(sessionStorage.getItem(ME_KEY) || "null");
    } catch {
      return null;
    }
  },
  save(token, me) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(ME_KEY, JSON.stringify(me));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ME_KEY);
  },
};

async function answer(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP ${response.status}`, "INTERNAL");
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const ext = first.extensions || {};
    if (ext.code === "UNAUTHENTICATED") session.clear();
    throw new ApiError(first.message, ext.code, ext);
  }
  return body.data;
}

function headers() {
  const h = {};
  const token = session.token();
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

/** Runs a query or mutation; resolves to `data`, rejects with an ApiError. */
export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers() },
    body: JSON.stringify({ query, variables }),
  });
  return answer(response);
}

/** Uploads a File to one import mutation (importSchools, importTeachers, importDesignations,
 *  importEnrollments, importTrainingRecords) as the GraphQL multipart request spec lays it out; resolves to the
 *  ImportReport. A refused sheet rejects with an ApiError whose extensions hold `problems`
 *  ({row, column, value, reason}) and `problemCount`. */
export async function upload(mutation, file, dryRun) {
  const query = `mutation($file: Upload!, $dryRun: Boolean) {
    ${mutation}(file: $file, dryRun: $dryRun) {
      kind fileName rows created updated unchanged unknownColumns dryRun } }`;
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables: { file: null, dryRun } }));
  form.append("map", JSON.stringify({ 0: ["variables.file"] }));
  form.append("0", file, file.name);
  const response = await fetch("/graphql", { method: "POST", headers: headers(), body: form });
  return (await answer(response))[mutation];
}

/** Logs in; keeps the token and who it is for the session. */
export async function login(username, password) {
  const data = await gql(
    `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { username role } } }`,
    { u: username, p: password },
  );
  session.save(data.login.token, data.login.user);
  return data.login.user;
}

/** Logs out: the server revokes the token; the session forgets it either way. */
export async function logout() {
  try {
    await gql("mutation { logout }");
  } finally {
    session.clear();
  }
}

/** Downloads an export (`/export/NAME.xlsx?…`) with the token, as a file the browser saves:
 *  a plain link cannot carry the Authorization header. */
export async function download(path, fallbackName) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) return answer(response);
  const blob = await response.blob();
  const disposition = response.headers.get("content-disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = match ? match[1] : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
