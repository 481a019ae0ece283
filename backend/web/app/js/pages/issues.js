// 码上监督: my enterprise's issues — file one, follow its status and history, give feedback.

import G from "/app/glossary.js";
import * as api from "../api.js";
import { dateTime, h, newestFirst, randomId, replace, toast } from "../dom.js";
import { frame, loading } from "../layout.js";

const FIELD_LABELS = { title: "标题", description: "问题描述", category: "类别", comment: "意见" };

function statusBadge(issue) {
  const waiting = ["open", "assigned", "in_progress"].includes(issue.status);
  const cls = issue.status === "resolved" ? "badge wait" : waiting ? "badge off" : "badge";
  return h("span", { class: cls, text: G.issue_statuses[issue.status] || issue.status });
}

function needsFeedback(issue) {
  return (issue.status === "resolved" || issue.status === "closed") && !issue.feedback_at;
}

export async function issuesPage(root, { user }) {
  const main = frame(root, { user, title: "码上监督" });
  loading(main);
  const issues = newestFirst(await api.all("/api/v1/issues"), "reported_at");
  replace(main,
    h("a", { class: "btn primary block", href: "#/issues/new", id: "new-issue" }, "＋ 反映新问题"),
    h("p", { class: "muted small", text: "企业遇到的困难和问题可在这里直接反映，办理进展全程可查，办结后请您评价。" }),
    issues.length === 0 ? h("p", { class: "empty", text: "还没有反映过问题。" }) :
      h("ul", { class: "list", id: "issues" }, issues.map((issue) =>
        h("li", {}, h("a", { class: "item", href: `#/issues/${issue.id}` },
          h("div", { class: "spread" }, h("span", { class: "title", text: issue.title }), statusBadge(issue)),
          h("div", { class: "line2", text: `${issue.category} · ${dateTime(issue.reported_at)}` }),
          needsFeedback(issue) ? h("div", { class: "line2" }, h("span", { class: "badge wait", text: "待您评价" })) : null)))));
}

function fieldErrors(err, form) {
  for (const e of err.errors || []) {
    const name = String(e.field || "").split(".").pop();
    const slot = form.querySelector(`[data-error-for="${name}"]`);
    if (slot) { slot.textContent = `${FIELD_LABELS[name] || name}填写有误，请检查。`; slot.hidden = false; }
  }
}

export async function newIssuePage(root, { user }) {
  const main = frame(root, { user, title: "反映问题", back: "#/issues", current: "#/issues" });
  const key = randomId(); // one key per form: a retry after a lost reply files nothing twice
  const error = h("div", { class: "notice error", role: "alert", hidden: true });
  const title = h("input", { id: "issue-title", name: "title", required: true, maxlength: "200", autocomplete: "off" });
  const category = h("select", { id: "issue-category", name: "category", required: true },
    h("option", { value: "", text: "请选择" }), G.issue_categories.map((c) => h("option", { value: c, text: c })));
  const description = h("textarea", { id: "issue-description", name: "description", required: true, maxlength: "4000",
    "aria-describedby": "description-hint" });
  const submit = h("button", { class: "btn primary block", type: "submit" }, "提交");
  const slot = (name) => h("div", { class: "error-text", dataset: { errorFor: name }, hidden: true });

  async function onsubmit(event) {
    event.preventDefault();
    for (const s of form.querySelectorAll(".error-text")) s.hidden = true;
    error.hidden = true;
    submit.disabled = true;
    try {
      const issue = await api.post("/api/v1/issues", {
        enterprise_id: user.enterprise_id, title: title.value.trim(), description: description.value.trim(), category: category.value,
      }, { headers: { "Idempotency-Key": key } });
      toast("问题已提交，我们会尽快交办处理。");
      location.hash = `#/issues/${issue.id}`;
    } catch (err) {
      error.textContent = api.explain(err) + (err instanceof api.NetworkError ? "（重新提交不会重复登记）" : "");
      error.hidden = false;
      if (err instanceof api.ApiError) fieldErrors(err, form);
    } finally {
      submit.disabled = false;
    }
  }

  const form = h("form", { onsubmit, id: "issue-form" },
    error,
    h("div", { class: "field" }, h("label", { for: "issue-title", text: "标题" }), title, slot("title")),
    h("div", { class: "field" }, h("label", { for: "issue-category", text: "类别" }), category, slot("category")),
    h("div", { class: "field" }, h("label", { for: "issue-description", text: "问题描述" }), description,
      h("div", { class: "hint", id: "description-hint", text: "请写明遇到的困难、涉及的部门和希望得到的帮助。" }), slot("description")),
    submit);
  replace(main, h("section", { class: "panel" }, form));
  title.focus();
}

function feedbackForm(issue, reload) {
  const key = randomId();
  let satisfied = null;
  const error = h("div", { class: "notice error", role: "alert", hidden: true });
  const yes = h("button", { class: "btn", type: "button", "aria-pressed": "false", onclick: () => choose(true) }, "满意");
  const no = h("button", { class: "btn danger", type: "button", "aria-pressed": "false", onclick: () => choose(false) }, "不满意");
  const comment = h("textarea", { id: "feedback-comment", maxlength: "2000" });
  const submit = h("button", { class: "btn primary block", type: "submit" }, "提交评价");

  function choose(value) {
    satisfied = value;
    yes.setAttribute("aria-pressed", String(value));
    no.setAttribute("aria-pressed", String(!value));
  }

  async function onsubmit(event) {
    event.preventDefault();
    error.hidden = true;
    if (satisfied === null) { error.textContent = "请选择“满意”或“不满意”。"; error.hidden = false; return; }
    if (!satisfied && !comment.value.trim()) { error.textContent = "不满意时请写明原因，便于重新办理。"; error.hidden = false; comment.focus(); return; }
    submit.disabled = true;
    try {
      await api.post(`/api/v1/issues/${issue.id}/feedback`, { satisfied, comment: comment.value.trim() || null },
        { headers: { "If-Match": issue.etag, "Idempotency-Key": key } });
      toast(satisfied ? "感谢您的评价。" : "已提交，问题将重新交办处理。");
      await reload();
    } catch (err) {
      error.textContent = api.explain(err);
      error.hidden = false;
      submit.disabled = false;
    }
  }

  return h("section", { class: "panel", "aria-labelledby": "feedback-title" },
    h("h2", { id: "feedback-title", text: "对办理结果是否满意？" }),
    h("form", { onsubmit, id: "feedback-form" },
      error,
      h("div", { class: "field" }, h("div", { class: "choice", role: "group", "aria-label": "评价" }, yes, no)),
      h("div", { class: "field" }, h("label", { for: "feedback-comment", text: "意见（不满意时必填）" }), comment),
      submit));
}

export async function issuePage(root, { user, params }) {
  const main = frame(root, { user, title: "问题详情", back: "#/issues", current: "#/issues" });
  const id = params[0];

  async function load() {
    loading(main);
    const issue = await api.get(`/api/v1/issues/${id}`);
    const facts = [
      ["类别", issue.category],
      ["反映时间", dateTime(issue.reported_at)],
      issue.due_at ? ["办理期限", dateTime(issue.due_at) + (issue.overdue ? "（已超期）" : "")] : null,
      issue.resolution ? ["办理结果", issue.resolution] : null,
    ].filter(Boolean);
    replace(main,
      h("section", { class: "panel" },
        h("div", { class: "spread" }, h("h2", { text: issue.title }), statusBadge(issue)),
        h("dl", { class: "kv" }, facts.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
        issue.description ? h("p", { class: "small", text: issue.description }) : null),
      needsFeedback(issue) ? feedbackForm(issue, load) : null,
      issue.feedback_at ? h("div", { class: issue.satisfied ? "notice ok" : "notice warn", id: "feedback-given" },
        h("strong", { text: `您的评价：${issue.satisfied ? "满意" : "不满意"}` }), issue.feedback_comment || "") : null,
      h("section", { class: "panel", "aria-labelledby": "history-title" },
        h("h2", { id: "history-title", text: "办理过程" }),
        h("ol", { class: "timeline", id: "issue-history" }, issue.history.map((e) =>
          h("li", {},
            h("div", { class: "title", text: `${G.issue_actions[e.action] || e.action} → ${G.issue_statuses[e.to_status] || e.to_status}` }),
            h("div", { class: "when", text: dateTime(e.at) }),
            e.note ? h("div", { class: "note", text: e.note }) : null)))));
  }

  await load();
}
