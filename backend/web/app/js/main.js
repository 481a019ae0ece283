// The app's entry: resume the session, route by the hash (#/card, #/scan, …), one page at a time.
// Hash routes need nothing from the server but /app/ itself, and work offline from the cache.

import * as api from "./api.js";
import { h, replace, toast } from "./dom.js";
import { loginPage } from "./pages/login.js";
import { walletPage, qrPage, historyPage } from "./pages/wallet.js";
import { issuesPage, newIssuePage, issuePage } from "./pages/issues.js";
import { scanPage, todayPage } from "./pages/scan.js";
import { mePage, laterPage } from "./pages/account.js";

const HOME = { entrepreneur: "#/card", service_staff: "#/scan" };
export const homeOf = (user) => HOME[user.role] || "#/home";

// [pattern, page, roles allowed (null: any signed-in user)]
const ROUTES = [
  [/^#\/card$/, walletPage, ["entrepreneur"]],
  [/^#\/qr$/, qrPage, ["entrepreneur"]],
  [/^#\/history$/, historyPage, ["entrepreneur"]],
  [/^#\/issues$/, issuesPage, ["entrepreneur"]],
  [/^#\/issues\/new$/, newIssuePage, ["entrepreneur"]],
  [/^#\/issues\/([0-9a-f-]{36})$/, issuePage, ["entrepreneur"]],
  [/^#\/scan$/, scanPage, ["service_staff"]],
  [/^#\/today$/, todayPage, ["service_staff"]],
  [/^#\/me$/, mePage, null],
  [/^#\/home$/, laterPage, null],
];

const root = document.getElementById("app");
let cleanup = null;
let renderCount = 0;

async function render() {
  const count = ++renderCount;
  if (cleanup) { try { cleanup(); } catch { /* a page's cleanup must not stop the next page */ } cleanup = null; }
  const user = api.currentUser();
  const hash = location.hash || "";
  if (!user) {
    if (hash !== "#/login") { location.replace("#/login"); return; }
    cleanup = await loginPage(root, { onLogin: (u) => { location.hash = homeOf(u); } });
    return;
  }
  for (const [pattern, page, roles] of ROUTES) {
    const match = hash.match(pattern);
    if (!match) continue;
    if (roles && !roles.includes(user.role)) break;
    window.scrollTo(0, 0);
    try {
      const done = await page(root, { user, params: match.slice(1) });
      if (count === renderCount) cleanup = done || null;
      else if (done) done(); // the person moved on while the page loaded
    } catch (err) {
      if (count === renderCount) showError(err);
    }
    return;
  }
  location.replace(homeOf(user));
}

function showError(err) {
  replace(root, h("main", { class: "page" },
    h("div", { class: "notice error", role: "alert" }, h("strong", { text: "页面加载失败" }), api.explain(err)),
    h("button", { class: "btn primary block", type: "button", onclick: () => render() }, "重试")));
}

api.onSessionEnded(() => {
  toast("登录已失效，请重新登录。");
  location.hash = "#/login";
});

async function start() {
  window.addEventListener("hashchange", render);
  try {
    await api.resume();
  } catch (err) {
    // Offline with a remembered session: show the login page with the reason.
    toast(api.explain(err), 5000);
  }
  const user = api.currentUser();
  if (user && (!location.hash || location.hash === "#/login")) location.replace(homeOf(user));
  else await render();
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => { /* the app works without it */ });
}
start();
