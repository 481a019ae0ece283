// 我的 (every role): who I am, my messages, sign out. And the home of the roles whose part of the
// app comes later, saying what the app offers them today.

import G from "/app/glossary.js";
import * as api from "../api.js";
import { dateTime, h, replace } from "../dom.js";
import { frame, loading } from "../layout.js";

const LATER = {
  leader: "走访企业、现场记录企业诉求、查看挂钩企业问题办理进度等功能正在建设中。",
  department: "查看和办理交办给本部门的问题、按期答复等功能正在建设中。",
  secretary: "审核督办未解决和超期问题、查看统计等功能正在建设中。",
  admin: "发放和管理绿卡、查看统计报表等功能正在建设中；目前可通过接口文档（/schema）使用。",
};

async function affiliation(user) {
  try {
    if (user.enterprise_id) return (await api.get(`/api/v1/enterprises/${encodeURIComponent(user.enterprise_id)}`)).name;
    if (user.service_point_id) return (await api.get(`/api/v1/service-points/${encodeURIComponent(user.service_point_id)}`)).name;
  } catch { /* shown without it */ }
  return user.district || "";
}

function notifications(page) {
  return h("section", { class: "panel", "aria-labelledby": "inbox-title" },
    h("div", { class: "spread" }, h("h2", { id: "inbox-title", text: "消息" }),
      page.unread_count ? h("span", { class: "badge wait", text: `${page.unread_count} 条未读` }) : null),
    page.items.length === 0 ? h("p", { class: "muted small", text: "暂无消息。" }) :
      h("ul", { class: "services" }, page.items.map((n) =>
        h("li", {}, h("div", { class: "what" },
          h("div", { class: "title", text: n.title }),
          h("div", { text: n.body }),
          h("div", { class: "small", text: dateTime(n.created_at) + (n.read ? "" : " · 未读") }))))));
}

async function inbox() {
  try {
    return await api.get("/api/v1/notifications?limit=20");
  } catch {
    return { items: [], unread_count: 0 };
  }
}

export async function mePage(root, { user }) {
  const main = frame(root, { user, title: "我的" });
  loading(main);
  const [where, page] = await Promise.all([affiliation(user), inbox()]);
  const out = h("button", { class: "btn danger block", type: "button", id: "logout" }, "退出登录");
  out.addEventListener("click", async () => {
    out.disabled = true;
    await api.logout();
    location.hash = "#/login";
  });
  replace(main,
    h("section", { class: "panel" },
      h("h2", { text: user.display_name || user.username }),
      h("dl", { class: "kv" },
        h("dt", { text: "身份" }), h("dd", { text: G.roles[user.role] || user.role }),
        h("dt", { text: "用户名" }), h("dd", { text: user.username }),
        where ? [h("dt", { text: "单位" }), h("dd", { text: where })] : null)),
    notifications(page),
    out,
    h("p", { class: "muted small center", text: "退出后，本设备上的登录信息会被清除。" }));
}

export async function laterPage(root, { user }) {
  const main = frame(root, { user, title: "首页" });
  loading(main);
  const page = await inbox();
  replace(main,
    h("section", { class: "panel" },
      h("h2", { text: `您好，${user.display_name || user.username}` }),
      h("p", { text: `您的身份：${G.roles[user.role] || user.role}。` }),
      h("p", { text: "本应用目前提供：企业家的“我的绿卡”“码上监督”，以及服务窗口的“扫码核验”。" }),
      h("p", { id: "later-text", text: LATER[user.role] || "您的功能正在建设中。" }),
      h("p", { class: "muted small", text: "下方可查看发给您的提醒消息。" })),
    notifications(page));
}
