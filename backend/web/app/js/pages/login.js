// One login page for every role; each role then lands on its own home.

import * as api from "../api.js";
import { h, replace } from "../dom.js";

export async function loginPage(root, { onLogin }) {
  const error = h("div", { class: "notice error", role: "alert", hidden: true });
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true,
    autocapitalize: "none", spellcheck: "false", maxlength: "200" });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password",
    required: true, maxlength: "1024" });
  const submit = h("button", { class: "btn primary block", type: "submit" }, "登录");

  async function onsubmit(event) {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    submit.textContent = "正在登录…";
    try {
      const user = await api.login(username.value.trim(), password.value);
      onLogin(user);
    } catch (err) {
      error.textContent = api.explain(err);
      error.hidden = false;
      password.select();
    } finally {
      submit.disabled = false;
      submit.textContent = "登录";
    }
  }

  replace(root,
    h("header", { class: "login-head" },
      h("img", { src: "/app/icons/icon-192.png", alt: "" }),
      h("h1", { text: "企业家绿卡" }),
      h("p", { text: "出示绿卡 · 扫码核验 · 码上监督" })),
    h("main", { class: "login-form" },
      h("form", { onsubmit, novalidate: false },
        error,
        h("div", { class: "field" }, h("label", { for: "username", text: "用户名" }), username),
        h("div", { class: "field" }, h("label", { for: "password", text: "密码" }), password),
        submit),
      h("p", { class: "muted small center", text: "企业家、服务窗口工作人员及各级工作人员均在此登录。" })));
  username.focus();
}
