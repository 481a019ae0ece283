// 我的绿卡: the card as printed, the rotating QR, the six services, and where the card was used.

import G from "/app/glossary.js";
import * as api from "../api.js";
import { cardDate, claimsOf, dateTime, h, newestFirst, replace, toast } from "../dom.js";
import { frame, loading } from "../layout.js";
import { drawQr } from "../qr.js";

const RENEW_BEFORE_S = 10; // a new token is fetched this long before the shown one expires

async function myCard() {
  try {
    return await api.get("/api/v1/me/card");
  } catch (err) {
    if (err instanceof api.ApiError && err.status === 404) return null;
    throw err;
  }
}

function statusReason(card) {
  const events = (card.history || []).filter((e) => e.to_status === card.status && e.reason);
  return events.length ? events[events.length - 1].reason : "";
}

function cardFace(card) {
  const live = card.status === "active";
  return h("section", { class: "gcard", "aria-label": "我的绿卡卡面" },
    h("div", { class: "band" }, h("b", { text: "企业家绿卡" }), h("span", { text: "Entrepreneur Green Card" })),
    h("div", { class: "stripe" }),
    h("div", { class: "body" },
      h("div", { class: "holder", text: card.holder_name }),
      h("div", { class: "ent", text: card.enterprise_name }),
      h("div", { class: "meta", text: `卡号 ${card.number}` }),
      h("div", { class: "meta", text: `有效期 ${cardDate(card.valid_from)}–${cardDate(card.valid_until)}` }),
      h("div", { class: "svcs" }, card.services.map((s) => h("span", { text: G.services[s] || s })))),
    live ? h("span", { class: "badge state", text: "有效" })
      : h("div", { class: "stamp", id: "card-status", text: G.card_statuses[card.status] }));
}

function notLive(card) {
  const reason = statusReason(card);
  const text = {
    suspended: ["您的绿卡已暂停使用", "暂停期间不能出示二维码，服务点也无法核验通过。"],
    revoked: ["您的绿卡已吊销", "吊销后绿卡不能再使用。"],
    expired: ["您的绿卡已过期", `有效期至 ${cardDate(card.valid_until)}，请联系市优化办办理续期。`],
  }[card.status];
  return h("div", { class: "notice error", role: "alert", id: "card-notice" },
    h("strong", { text: text[0] }), text[1], reason ? h("div", { text: `原因：${reason}` }) : null,
    card.status !== "expired" ? h("div", { text: "如有疑问，请联系市优化办。" }) : null);
}

function servicesList(card) {
  const has = new Set(card.services);
  return h("section", { class: "panel", "aria-labelledby": "services-title" },
    h("h2", { id: "services-title", text: "绿卡服务" }),
    h("ul", { class: "services" }, Object.keys(G.services).map((key) =>
      h("li", { class: has.has(key) ? "" : "off" },
        h("div", { class: "name", text: G.services[key] }),
        h("div", { class: "what", text: G.service_meanings[key] }),
        h("span", { class: has.has(key) ? "badge" : "badge off", text: has.has(key) ? "已开通" : "未开通" })))));
}

export async function walletPage(root, { user }) {
  const main = frame(root, { user, title: "我的绿卡" });
  loading(main);
  const card = await myCard();
  if (!card) {
    replace(main, h("div", { class: "notice warn", role: "status" },
      h("strong", { text: "您还没有绿卡" }), "绿卡由市优化办统一发放，发放后会显示在这里。"));
    return;
  }
  replace(main,
    cardFace(card),
    card.status === "active"
      ? h("a", { class: "btn primary block", href: "#/qr", id: "show-qr" }, "出示二维码")
      : notLive(card),
    card.status === "active" ? h("p", { class: "muted small center", text: "到服务点时出示二维码，工作人员扫码核验。二维码每分钟更新，截图无效。" }) : null,
    servicesList(card));
}

export async function qrPage(root) {
  const card = await myCard();
  if (!card || card.status !== "active") {
    location.replace("#/card"); // the card page says why there is no QR
    return null;
  }
  let renewTimer = null;
  let tickTimer = null;
  let renewAt = 0;   // local time (ms) when the next token is fetched
  let expiresAt = 0; // local time (ms) when the shown token expires
  let shownAt = 0;
  let wake = null;
  let closed = false;

  const size = Math.max(200, Math.min(window.innerWidth - 48, window.innerHeight - 320, 420));
  const canvas = h("canvas", { id: "qr", role: "img", "aria-label": "绿卡二维码，请向工作人员出示" });
  const over = h("div", { class: "over", hidden: true });
  const box = h("div", { class: "qr-box" }, canvas, over);
  const who = h("p", { class: "who" });
  const count = h("p", { class: "count", id: "qr-countdown", role: "timer", "aria-live": "off" });
  const fill = h("i");
  const bar = h("div", { class: "bar", "aria-hidden": "true" }, fill);
  const state = h("div", { role: "status", "aria-live": "polite", class: "tip" }, "二维码每分钟更新，截图无效。请调亮屏幕。");
  const close = h("a", { class: "btn primary", href: "#/card" }, "关闭");
  // For a window whose camera cannot read the screen: the same one-time token as text, to paste
  // into its 手动输入 (no worse than a screenshot: it is refused after use and after a minute).
  const text = h("textarea", { id: "qr-text", readonly: true, rows: "3", spellcheck: "false" });
  const copy = h("button", { class: "btn", type: "button", onclick: copyText }, "复制");
  const copyBox = h("details", { class: "copybox" },
    h("summary", { text: "对方无法扫码？复制二维码内容" }),
    h("label", { for: "qr-text", text: "二维码内容（只能使用一次，1 分钟内有效）" }), text, copy);

  async function copyText() {
    try {
      await navigator.clipboard.writeText(text.value);
      toast("已复制，请在工作人员的“手动输入”中粘贴。");
    } catch {
      text.select(); // no clipboard access (an insecure page, an old webview): select it to copy by hand
      toast("已选中，请长按复制。");
    }
  }

  replace(root, h("div", { class: "qr-screen", role: "dialog", "aria-modal": "true", "aria-label": "出示绿卡二维码" },
    h("h1", { text: "请向工作人员出示" }), who, box, count, bar, state, close, copyBox));

  function stale(text) {
    box.classList.add("stale");
    over.textContent = text;
    over.hidden = false;
  }

  function tick() {
    const now = Date.now();
    if (!expiresAt) return;
    if (now >= expiresAt) {
      stale("二维码已失效，正在刷新…");
      count.textContent = "";
      fill.style.width = "0%";
      return;
    }
    const left = Math.max(0, Math.ceil((renewAt - now) / 1000));
    count.textContent = `${left} 秒后自动更新`;
    fill.style.width = `${Math.max(0, Math.min(100, (100 * (renewAt - now)) / Math.max(1, renewAt - shownAt)))}%`;
  }

  async function renew() {
    clearTimeout(renewTimer);
    if (closed) return;
    try {
      const reply = await api.get("/api/v1/me/card/presentation");
      if (closed) return;
      const claims = claimsOf(reply.token) || {};
      // Lifetime from the token itself, counted on this phone's clock from receipt: a phone
      // whose clock is off still renews in time.
      const lifetime = claims.exp && claims.iat ? claims.exp - claims.iat : 60;
      const received = Date.now();
      shownAt = received;
      expiresAt = received + lifetime * 1000;
      renewAt = received + Math.max(5, lifetime - RENEW_BEFORE_S) * 1000;
      drawQr(canvas, reply.token, size);
      text.value = reply.token;
      canvas.dataset.serial = String(Number(canvas.dataset.serial || 0) + 1); // which token is shown (for tests)
      who.textContent = [claims.name, claims.sub].filter(Boolean).join(" · ");
      box.classList.remove("stale");
      over.hidden = true;
      state.textContent = "二维码每分钟更新，截图无效。请调亮屏幕。";
      renewTimer = setTimeout(renew, renewAt - received);
      tick();
    } catch (err) {
      if (err instanceof api.ApiError && err.status === 409) {
        stale(err.code === "card_expired" ? "绿卡已过期" : "绿卡已吊销");
        state.textContent = "绿卡状态已变化，无法出示二维码。";
        count.textContent = "";
        return;
      }
      state.textContent = `${api.explain(err)} 正在重试…`;
      renewTimer = setTimeout(renew, 5000);
    }
  }

  async function keepAwake() {
    try { if (navigator.wakeLock && !wake) wake = await navigator.wakeLock.request("screen"); } catch { /* not allowed: fine */ }
  }

  function onVisible() {
    if (document.visibilityState !== "visible") { wake = null; return; }
    keepAwake();
    // Timers sleep in the background: catch up at once.
    if (Date.now() >= renewAt) renew();
  }

  document.addEventListener("visibilitychange", onVisible);
  tickTimer = setInterval(tick, 1000);
  keepAwake();
  await renew();
  close.focus();

  return () => {
    closed = true;
    clearTimeout(renewTimer);
    clearInterval(tickTimer);
    document.removeEventListener("visibilitychange", onVisible);
    if (wake) wake.release().catch(() => {});
  };
}

export async function historyPage(root, { user }) {
  const main = frame(root, { user, title: "使用记录" });
  loading(main);
  const card = await myCard();
  if (!card) {
    replace(main, h("p", { class: "empty", text: "您还没有绿卡，暂无使用记录。" }));
    return;
  }
  const items = newestFirst(await api.all(`/api/v1/cards/${encodeURIComponent(card.id)}/redemptions`), "at");
  replace(main,
    h("p", { class: "muted small", text: `绿卡 ${card.number} 共使用 ${items.length} 次，最近的在前。` }),
    items.length === 0 ? h("p", { class: "empty", text: "还没有使用记录。到服务点出示绿卡后，记录会显示在这里。" }) :
      h("ul", { class: "list", id: "history" }, items.map((r) =>
        h("li", {},
          h("div", { class: "spread" }, h("span", { class: "title", text: r.service_point_name }),
            h("span", { class: "badge", text: G.services[r.service] || r.service })),
          h("div", { class: "line2", text: dateTime(r.at) })))));
}
