// What the studio and import pages share: building elements (no inline styles: the CSP
// forbids them), their stylesheet, the page state the browser tests wait on, and messages.

/** `el("p", { class: "x", for: "id" }, "text", child…)`; `false`/null attributes are left out. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === "") continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}

/** Links `/assets/pages.css` once. */
export function ensureStylesheet() {
  if (!document.querySelector('link[href="/assets/pages.css"]')) {
    document.head.append(el("link", { rel: "stylesheet", href: "/assets/pages.css" }));
  }
}

/** "loading" while fetching, "ready" once drawn: the browser tests wait on it. */
export function setState(state) {
  document.body.dataset.state = state;
}

/** Today in the browser's time zone, as YYYY-MM-DD. */
export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Marks the control `id` of `form` invalid (cleared on its next edit); returns its label. */
export function fieldError(form, id) {
  const control = form.querySelector(`#${id}`);
  const label = form.querySelector(`label[for="${id}"]`);
  if (!control) return null;
  control.setAttribute("aria-invalid", "true");
  control.focus();
  const reset = () => {
    control.removeAttribute("aria-invalid");
    control.removeEventListener("input", reset);
  };
  control.addEventListener("input", reset);
  return label ? label.textContent.replace(/（.*?）/g, "") : id;
}

/** Shows a message at the foot of `form`: `role="status"` for success, `role="alert"` for a
 *  refusal (with the field at fault named when known). Replaces the form's previous message. */
export function showMessage(form, ok, text, fieldLabel) {
  for (const old of form.querySelectorAll(".msg")) old.remove();
  const message = ok
    ? el("p", { class: "msg ok", role: "status" }, text)
    : el("p", { class: "msg error", role: "alert" },
      fieldLabel ? el("strong", {}, `${fieldLabel}：`) : "", text);
  form.append(message);
  return message;
}

/** Forgets the marks of a previous refusal. */
export function clearMarks(form) {
  for (const bad of form.querySelectorAll("[aria-invalid]")) bad.removeAttribute("aria-invalid");
  for (const old of form.querySelectorAll(".msg")) old.remove();
}
