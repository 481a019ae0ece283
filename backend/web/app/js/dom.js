// Small DOM helpers. Elements are built with h(), never from HTML strings: nothing the server
// sends is ever parsed as markup, and no inline style or handler is needed (the CSP forbids both).

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "value") el.value = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let toastTimer = null;
export function toast(message, ms = 3000) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, ms);
}

// -- dates: business dates and times are read in Asia/Shanghai, whatever the phone's zone ----------
const ZONE = "Asia/Shanghai";
const partsFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});

function parts(value) {
  const out = {};
  for (const p of partsFormat.formatToParts(value instanceof Date ? value : new Date(value))) out[p.type] = p.value;
  return out;
}

export function dateTime(value) {
  const p = parts(value);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function time(value) {
  const p = parts(value);
  return `${p.hour}:${p.minute}`;
}

export function cardDate(value) {
  const p = parts(value);
  return `${p.year}.${p.month}.${p.day}`;
}

export function today() {
  const p = parts(new Date());
  return `${p.year}-${p.month}-${p.day}`;
}

export function randomId() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The claims of a compact JWS, unverified: only for showing what the server already judged.
export function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part + "=".repeat((4 - (part.length % 4)) % 4)), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** Items sorted by a timestamp field, newest first (lists page in creation order). */
export function newestFirst(items, field) {
  return [...items].sort((a, b) => Date.parse(b[field]) - Date.parse(a[field]));
}
