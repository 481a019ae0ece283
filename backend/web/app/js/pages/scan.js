// 扫码核验: the service window's scanner (camera or manual entry), the verdict full-screen,
// and the window's scans of today.

import G from "/app/glossary.js";
import * as api from "../api.js";
import { claimsOf, h, newestFirst, randomId, replace, time, today } from "../dom.js";
import { cameraSupported, closeCamera, createDecoder, openCamera, signal, unlockSound } from "../camera.js";
import { frame, loading } from "../layout.js";

const FRAME_GAP_MS = 120;

function cameraProblem(err) {
  if (!window.isSecureContext) return "摄像头需要通过 HTTPS 打开本页面才能使用。";
  const name = err && err.name;
  if (name === "NotAllowedError" || name === "SecurityError") return "未获得摄像头权限，请在设置中允许使用摄像头。";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "未找到可用的摄像头。";
  if (name === "NotReadableError") return "摄像头被其他应用占用。";
  return "无法打开摄像头。";
}

async function todayScans(pointId) {
  const day = today();
  return api.all(`/api/v1/redemptions?service_point_id=${encodeURIComponent(pointId)}&from=${day}&to=${day}`);
}

export async function scanPage(root, { user }) {
  const main = frame(root, { user, title: "扫码核验" });
  loading(main);
  const point = await api.get(`/api/v1/service-points/${encodeURIComponent(user.service_point_id)}`);
  const serviceName = G.services[point.service] || point.service;

  let stream = null;
  let decoder = null;
  let scanning = false;
  let closed = false;
  let loopTimer = null;

  const video = h("video", { muted: true, playsinline: true, "aria-label": "摄像头画面" });
  const msg = h("div", { class: "msg", role: "status", id: "camera-status" }, "正在打开摄像头…");
  const finder = h("div", { class: "viewfinder" }, video, h("div", { class: "frame", "aria-hidden": "true" }), msg);
  const count = h("a", { href: "#/today", id: "today-count", class: "small" });
  const manualError = h("div", { class: "error-text", role: "alert", hidden: true });
  const manual = h("textarea", { id: "manual-token", rows: "3", autocomplete: "off", spellcheck: "false",
    "aria-describedby": "manual-hint" });
  const overlay = h("div", { class: "verdict", hidden: true, role: "alertdialog", "aria-modal": "true",
    "aria-labelledby": "verdict-word", id: "verdict" });

  replace(main,
    h("p", { class: "point" }, h("b", { text: point.name }), h("br"), `本窗口服务：${serviceName}`),
    finder,
    h("p", { class: "spread small" }, h("span", { class: "muted", text: "请持卡人出示“我的绿卡”二维码" }), count),
    h("details", { class: "panel", id: "manual" },
      h("summary", { text: "无法扫码？手动输入" }),
      h("form", { onsubmit: onManual },
        h("div", { class: "field" },
          h("label", { for: "manual-token", text: "二维码内容" }), manual,
          h("div", { class: "hint", id: "manual-hint", text: "粘贴或输入绿卡二维码中的令牌（以 eyJ 开头的一长串字符）。" }),
          manualError),
        h("button", { class: "btn primary block", type: "submit" }, "核验"))));
  root.append(overlay);

  async function refreshCount() {
    try {
      const items = await todayScans(point.id);
      count.textContent = `今日已核验 ${items.length} 人次 ›`;
    } catch {
      count.textContent = "今日记录 ›";
    }
  }

  function onManual(event) {
    event.preventDefault();
    unlockSound();
    const token = manual.value.replace(/\s+/g, ""); // a pasted token may arrive broken over lines
    manualError.hidden = true;
    if (!token) { manualError.textContent = "请先粘贴或输入二维码内容。"; manualError.hidden = false; return; }
    judge(token);
  }

  // -- the verdict ---------------------------------------------------------------------------------
  function show(kind, ...children) {
    scanning = false;
    overlay.className = `verdict ${kind}`;
    replace(overlay, ...children);
    overlay.hidden = false;
    const button = overlay.querySelector("button");
    if (button) button.focus();
  }

  function next() {
    overlay.hidden = true;
    replace(overlay);
    manual.value = "";
    resume();
  }

  const nextButton = () => h("button", { class: "btn", type: "button", id: "next-scan", onclick: next }, "继续扫码");

  async function judge(token, key = randomId()) {
    scanning = false;
    show("pending", h("p", { class: "word", id: "verdict-word", text: "核验中…" }));
    let reply;
    try {
      // The key makes a retry after a lost reply safe: the server answers it with the first verdict.
      reply = await api.post("/api/v1/verifications", { token }, { headers: { "Idempotency-Key": key }, timeout: 10000 });
    } catch (err) {
      const retryable = err instanceof api.NetworkError || (err instanceof api.ApiError && err.status >= 500);
      show("failed",
        h("p", { class: "mark", "aria-hidden": "true", text: "!" }),
        h("p", { class: "word", id: "verdict-word", text: retryable ? "网络异常，核验未完成" : "核验未完成" }),
        h("p", { class: "line", text: retryable ? "请检查网络后重试，重试不会重复核销。" : api.explain(err) }),
        h("div", { class: "actions" },
          retryable ? h("button", { class: "btn primary", type: "button", id: "retry-scan", onclick: () => judge(token, key) }, "重试") : null,
          h("button", { class: "btn", type: "button", onclick: next }, "取消")));
      return;
    }
    signal(reply.result === "valid");
    if (reply.result === "valid") {
      const claims = claimsOf(token) || {};
      show("valid",
        h("p", { class: "mark", "aria-hidden": "true", text: "✓" }),
        h("p", { class: "word", id: "verdict-word", text: "有效" }),
        h("p", { class: "holder", id: "verdict-holder", text: claims.name || "" }),
        h("p", { class: "line", text: reply.card ? reply.card.enterprise_name : "" }),
        h("p", { class: "line", text: `${serviceName} · ${reply.card ? reply.card.number : ""}` }),
        nextButton());
    } else {
      show("invalid",
        h("p", { class: "mark", "aria-hidden": "true", text: "✕" }),
        h("p", { class: "word", id: "verdict-word", text: "无效" }),
        h("p", { class: "reason", id: "verdict-reason", text: G.verification_reasons[reply.reason] || "无法识别" }),
        reply.card ? h("p", { class: "line", text: `卡号 ${reply.card.number}` }) : null,
        nextButton());
    }
    refreshCount();
  }

  // -- the camera ----------------------------------------------------------------------------------
  async function loop() {
    clearTimeout(loopTimer);
    if (!scanning || closed) return;
    let text = null;
    try { text = await decoder.decode(video); } catch { text = null; }
    if (!scanning || closed) return;
    if (text) judge(text);
    else loopTimer = setTimeout(loop, FRAME_GAP_MS);
  }

  function resume() {
    if (closed) return;
    if (stream && decoder) { scanning = true; loop(); }
  }

  async function startCamera() {
    replace(msg, "正在打开摄像头…");
    msg.className = "msg";
    if (!cameraSupported()) {
      cameraFailed(new Error("unsupported"));
      return;
    }
    try {
      stream = await openCamera(video);
      decoder = decoder || await createDecoder();
      if (closed) { closeCamera(video, stream); return; }
      msg.textContent = "将二维码放入框内，自动识别";
      scanning = overlay.hidden;
      loop();
    } catch (err) {
      cameraFailed(err);
    }
  }

  function cameraFailed(err) {
    msg.className = "msg full";
    replace(msg, h("span", { text: cameraProblem(err) }), h("span", { text: "可使用下方“手动输入”核验。" }),
      h("button", { class: "btn", type: "button", onclick: startCamera }, "重新打开摄像头"));
    document.getElementById("manual").open = true;
  }

  root.addEventListener("pointerdown", unlockSound);
  refreshCount();
  await startCamera();

  return () => {
    closed = true;
    scanning = false;
    clearTimeout(loopTimer);
    closeCamera(video, stream);
    if (decoder) decoder.close();
    root.removeEventListener("pointerdown", unlockSound);
    overlay.remove();
  };
}

export async function todayPage(root, { user }) {
  const main = frame(root, { user, title: "今日记录" });
  loading(main);
  const point = await api.get(`/api/v1/service-points/${encodeURIComponent(user.service_point_id)}`);
  const items = newestFirst(await todayScans(point.id), "at");
  replace(main,
    h("section", { class: "panel center" },
      h("div", { class: "muted small", text: `${point.name} · ${today()}` }),
      h("div", { class: "count-big", id: "today-total", text: String(items.length) }),
      h("div", { class: "small", text: "今日有效核验（人次）" })),
    items.length === 0 ? h("p", { class: "empty", text: "今天还没有核验记录。" }) :
      h("ul", { class: "list", id: "today-list" }, items.map((r) =>
        h("li", {},
          h("div", { class: "spread" }, h("span", { class: "title", text: `${r.holder_name} · ${r.enterprise_name}` }),
            h("span", { class: "badge", text: time(r.at) })),
          h("div", { class: "line2", text: `${G.services[r.service] || r.service} · 卡号 ${r.card_number}` })))),
    h("p", { class: "muted small center", text: "只列出核验有效的记录；无效的二维码不登记。" }));
}
