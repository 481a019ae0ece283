// The frame of a signed-in page: a title bar, the page, and the role's tab bar.

import { h, replace } from "./dom.js";

const TABS = {
  entrepreneur: [["#/card", "card", "我的绿卡"], ["#/history", "clock", "使用记录"], ["#/issues", "pencil", "码上监督"], ["#/me", "person", "我的"]],
  service_staff: [["#/scan", "scan", "扫码核验"], ["#/today", "list", "今日记录"], ["#/me", "person", "我的"]],
};
const OTHER = [["#/home", "home", "首页"], ["#/me", "person", "我的"]];

// Line icons as SVG paths (24 x 24): no icon font, nothing that a phone's fonts may lack.
const ICONS = {
  card: "M3 6h18v12H3z M3 10h18 M6 15h5",
  clock: "M12 3a9 9 0 1 0 0.01 0z M12 7v5l3 3",
  pencil: "M4 20h4L19 9l-4-4L4 16z M13 7l4 4",
  person: "M12 4a4 4 0 1 0 0.01 0z M4 21c0-4 4-6 8-6s8 2 8 6",
  scan: "M4 8V4h4 M16 4h4v4 M20 16v4h-4 M8 20H4v-4 M4 12h16",
  list: "M8 6h12 M8 12h12 M8 18h12 M4 6h1 M4 12h1 M4 18h1",
  home: "M3 11l9-8 9 8 M5 10v10h14V10",
};

function icon(name) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", width: "24", height: "24", fill: "none", stroke: "currentColor",
    "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", class: "icon" })) {
    svg.setAttribute(k, v);
  }
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

/** Render the frame into root; returns the <main> to fill. */
export function frame(root, { user, title, sub, back, current }) {
  const main = h("main", { class: "page", id: "main" });
  const tabs = TABS[user.role] || OTHER;
  const here = current || location.hash;
  replace(root,
    h("header", { class: "topbar" },
      back ? h("button", { class: "back", type: "button", "aria-label": "返回", onclick: () => { location.hash = back; } }, "‹ 返回") : null,
      h("h1", { text: title }),
      sub ? h("span", { class: "sub", text: sub }) : null),
    main,
    h("div", { class: "tabs" },
      h("nav", { "aria-label": "主菜单" },
        tabs.map(([href, name, label]) => h("a", { href, "aria-current": here.startsWith(href) ? "page" : null },
          icon(name), h("span", { text: label }))))));
  return main;
}

export function loading(main) {
  replace(main, h("p", { class: "spinner", role: "status", text: "正在加载…" }));
}
