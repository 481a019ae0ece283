// The app's only door to the server: the public JSON API (API.md), with the session's tokens.
//
// Tokens: the access token lives in memory only (a script injected into the page could read
// storage, and an access token is a bearer credential for 15 minutes). The refresh token must
// survive a reload, so it is kept in sessionStorage (this tab) and, for the session that last
// logged in, in localStorage too, so the installed app stays signed in when reopened. The trade-off:
// a script running in our origin could read it; the CSP allows no script but our own, the
// refresh token works once (a replay revokes its whole chain), and sign-out revokes it.
//
// Each tab keeps its own refresh chain, so two tabs can hold two accounts (an entrepreneur and
// a service window, side by side) without one tab's refresh spending the other's token. A new
// tab adopts the remembered session only when no open tab is using it (a Web Lock held by the
// tab that owns it).

import G from "/app/glossary.js";
import { randomId } from "./dom.js";

const LOCAL = "gc.session";   // localStorage: {refresh_token, sid} of the session that last logged in
const TAB = "gc.tab";         // sessionStorage: {refresh_token, sid} of this tab's session
const TIMEOUT_MS = 15000;

let access = null;
let refreshToken = null;
let sid = null;
let refreshing = null;
let releaseLock = null;
let me = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, problem, headers) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.code = (problem && problem.code) || null;
    this.errors = (problem && problem.errors) || [];
    this.retryAfter = Number(headers && headers.get("retry-after")) || null;
  }
}

export class NetworkError extends Error {}

function read(store, key) {
  try { return JSON.parse(store.getItem(key)); } catch { return null; }
}

function write(store, key, value) {
  try {
    if (value == null) store.removeItem(key);
    else store.setItem(key, JSON.stringify(value));
  } catch { /* storage can be unavailable (private mode in some webviews): the session then lasts the tab */ }
}

function holdLock(id) {
  if (releaseLock) { releaseLock(); releaseLock = null; }
  if (!navigator.locks) return;
  navigator.locks.request(`gc-session-${id}`, () => new Promise((resolve) => { releaseLock = resolve; })).catch(() => {});
}

async function lockIsFree(id) {
  if (!navigator.locks) return true; // no Web Locks (older webviews): adopt
  try {
    return await navigator.locks.request(`gc-session-${id}`, { ifAvailable: true }, (lock) => lock !== null);
  } catch {
    return true;
  }
}

function keep(pair) {
  access = pair.access_token;
  refreshToken = pair.refresh_token;
  write(sessionStorage, TAB, { refresh_token: refreshToken, sid });
  const shared = read(localStorage, LOCAL);
  if (!shared || shared.sid === sid) write(localStorage, LOCAL, { refresh_token: refreshToken, sid });
}

function forget() {
  const shared = read(localStorage, LOCAL);
  if (shared && shared.sid === sid) write(localStorage, LOCAL, null);
  write(sessionStorage, TAB, null);
  access = refreshToken = sid = me = null;
  if (releaseLock) { releaseLock(); releaseLock = null; }
}

export function onSessionEnded(fn) {
  listeners.add(fn);
}

function ended() {
  forget();
  for (const fn of listeners) fn();
}

async function send(method, path, { body, headers = {}, timeout = TIMEOUT_MS, auth = true } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const all = { Accept: "application/json", ...headers };
  if (body !== undefined) all["Content-Type"] = "application/json";
  if (auth && access) all.Authorization = `Bearer ${access}`;
  try {
    return await fetch(path, {
      method, headers: all, body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal, credentials: "omit", cache: "no-store",
    });
  } catch (err) {
    throw new NetworkError(controller.signal.aborted ? "timeout" : String(err));
  } finally {
    clearTimeout(timer);
  }
}

async function parse(response) {
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new ApiError(response.status, data, response.headers);
  return data;
}

async function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const response = await send("POST", "/api/v1/auth/refresh", { body: { refresh_token: refreshToken }, auth: false });
      if (response.status === 401) {
        ended();
        throw new ApiError(401, await response.json().catch(() => null), response.headers);
      }
      keep(await parse(response));
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** Call the API: JSON in and out; one refresh and retry on a 401; problems as ApiError. */
export async function api(method, path, options = {}) {
  if (!access && refreshToken) await refresh();
  let response = await send(method, path, options);
  if (response.status === 401 && refreshToken) {
    await refresh();
    response = await send(method, path, options);
  }
  if (response.status === 401) ended();
  return parse(response);
}

export const get = (path, options) => api("GET", path, options);
export const post = (path, body, options = {}) => api("POST", path, { ...options, body });

/** Every item of a list endpoint, following next_cursor (bounded). */
export async function all(path, { pages = 10, limit = 200 } = {}) {
  const items = [];
  let cursor = null;
  for (let n = 0; n < pages; n++) {
    const sep = path.includes("?") ? "&" : "?";
    const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await get(url);
    items.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}

export async function login(username, password) {
  const response = await send("POST", "/api/v1/auth/login", { body: { username, password }, auth: false });
  const pair = await parse(response);
  forget();
  sid = randomId();
  holdLock(sid);
  write(localStorage, LOCAL, null); // this login becomes the remembered session
  keep(pair);
  return loadMe();
}

async function loadMe() {
  me = await get("/api/v1/me");
  return me;
}

/** The signed-in user after a reload or a relaunch, or null. */
export async function resume() {
  const mine = read(sessionStorage, TAB);
  if (mine && mine.refresh_token) {
    ({ sid, refresh_token: refreshToken } = mine);
  } else {
    const shared = read(localStorage, LOCAL);
    if (!shared || !shared.refresh_token || !(await lockIsFree(shared.sid))) return null;
    ({ sid, refresh_token: refreshToken } = shared);
  }
  holdLock(sid);
  try {
    await refresh();
    return await loadMe();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function currentUser() {
  return me;
}

/** Sign out: revoke the refresh chain on the server, forget everything here. */
export async function logout() {
  const token = refreshToken;
  forget();
  if (token) {
    try { await send("POST", "/api/v1/auth/logout", { body: { refresh_token: token }, auth: false, timeout: 5000 }); } catch { /* offline: the token expires on its own */ }
  }
}

/** A sentence in Chinese for an error, for the person in front of the screen: the glossary's
 *  message for the problem's `code` (the server's `detail` is English, for developers), else one
 *  for its status. */
export function explain(err) {
  if (err instanceof NetworkError) return "网络异常，请检查网络后重试。";
  if (!(err instanceof ApiError)) return "出现意外错误，请稍后重试。";
  if (err.status === 429) return `尝试次数过多，请${err.retryAfter ? ` ${err.retryAfter} 秒后` : "稍后"}再试。`;
  if (err.code && Object.hasOwn(G.problems, err.code)) return G.problems[err.code];
  if (err.status === 401) return "登录已过期，请重新登录。";
  if (err.status === 403) return "您没有权限进行此操作。";
  if (err.status === 404) return "未找到相关内容。";
  if (err.status === 409 || err.status === 412) return "内容已被更新，请刷新后重试。";
  if (err.status === 413) return "文件太大。";
  if (err.status === 422 || err.status === 400) return "请检查填写的内容。";
  if (err.status >= 500) return "服务器暂时无法处理，请稍后重试。";
  return "操作未成功，请稍后重试。";
}
