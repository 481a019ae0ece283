"""The glossary names every value people can meet: a new service, status, reason or role without
a Chinese label would show up as a bare code on the card, in the exports and in the app."""

from __future__ import annotations

from backend.cards.credentials import Reason
from backend.cards.schemas import CardStatus
from backend.issues.schemas import Action, Status
from backend.orgs.schemas import Service
from backend.platform import glossary
from backend.platform.actor import Role


def test_every_value_has_a_chinese_label():
    assert list(glossary.SERVICES) == [s.value for s in Service]  # the API's order, also on the card
    assert set(glossary.SERVICE_MEANINGS) == set(glossary.SERVICES)
    assert set(glossary.CARD_STATUSES) == {s.value for s in CardStatus}
    assert set(glossary.VERIFICATION_REASONS) == {r.value for r in Reason}
    assert set(glossary.ISSUE_STATUSES) == {s.value for s in Status}
    assert set(glossary.ISSUE_ACTIONS) == {a.value for a in Action} | {"create", "feedback"}
    assert set(glossary.ROLES) == {r.value for r in Role}
    labels = [
        v for table in glossary.for_app().values() for v in (table.values() if isinstance(table, dict) else table)
    ]
    assert all(v.strip() for v in labels)


def test_dispositions_states_and_reminder_rules_have_their_chinese():
    from backend.issues.schemas import Disposition
    from backend.reminders.rules import RULES

    assert set(glossary.DISPOSITIONS) == {d.value for d in Disposition}
    assert set(glossary.NOTIFICATIONS) == {rule.__name__ for rule in RULES}
    assert all(t["title"] for t in glossary.NOTIFICATIONS.values())


def _codes_in_source() -> dict[str, str]:
    """Every problem `code` the server can answer, with where it is raised: `code="..."` passed to
    any call, `code = "..."` (an error class's default), `problem(status, "code", ...)`, and the
    codes the HTTP error handler maps statuses to."""
    import ast
    import pathlib

    from backend.platform import errors

    found = {code: "backend/platform/errors.py (_HTTP_CODES)" for code in [*errors._HTTP_CODES.values(), "error"]}
    for path in sorted(pathlib.Path("backend").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.Call):
                values += [kw.value for kw in node.keywords if kw.arg == "code"]
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "problem" and len(node.args) > 1:
                    values.append(node.args[1])
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    pairs = (
                        zip(target.elts, node.value.elts)
                        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                        else [(target, node.value)]
                    )
                    values += [v for t, v in pairs if isinstance(t, ast.Name) and t.id == "code"]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.setdefault(value.value, f"{path}:{node.lineno}")
    return found


def test_every_problem_code_the_server_can_answer_has_a_chinese_message():
    codes = _codes_in_source()
    assert len(codes) > 90  # the scan sees the codes (a broken scan would pass vacuously)
    missing = {code: where for code, where in codes.items() if code not in glossary.PROBLEMS}
    assert not missing, f"add these codes to glossary.PROBLEMS: {missing}"
    stale = set(glossary.PROBLEMS) - set(codes)
    assert not stale, f"no code raises these any more: {sorted(stale)}"
    assert all(message.endswith("。") for message in glossary.PROBLEMS.values())
