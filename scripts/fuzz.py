#!/usr/bin/env python3
"""API fuzzing: schemathesis against a real `serve`, as an admin and as a low-privilege role.

    python scripts/fuzz.py                                                   # SQLite in a temp dir
    python scripts/fuzz.py --postgres postgresql://postgres@127.0.0.1:5432/greencard_fuzz

Starts `python -m backend serve` on a fresh database (a PostgreSQL database given here is
emptied first), seeds a small world (offices, enterprises, users of every role, a card, an
assignment, a visit with an issue and a photo, a chamber plan), then runs schemathesis on the
served `/schema/openapi.json` with all four phases (examples, coverage, fuzzing, stateful), once
with an admin's token and once with an entrepreneur's, offering the seeded ids half the time. The
run fails on any 5xx, any status code, content type or header the document does not declare, any
body off its schema, schema-invalid input accepted, a protected operation answering without a
token, and an unhandled error in the server's log. It ends with `fuzz: N passed, M failed`
(operations x roles).

The server and the fuzzer run in a network namespace of their own that has only loopback (the
fuzzer creates webhooks to arbitrary addresses and asks for reminder runs, which deliver them):
nothing can leave the machine. PostgreSQL is then reached through its unix socket.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import fcntl
import io
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "fuzz-password-1"
# Every check but two: `positive_data_acceptance` expects any schema-valid input to be accepted,
# and a schema cannot say which cursors, ids or credit codes are real; `allow_header_conformance`
# judges the `Allow` header of Litestar's automatic OPTIONS replies, which list only some of a
# path's methods (not this app's code; see README).
CHECKS = "all"
EXCLUDED = "positive_data_acceptance,allow_header_conformance"
ISOLATED = "GREENCARD_FUZZ_ISOLATED"


# -- isolation ------------------------------------------------------------------------------------


def _isolate() -> None:
    """Re-run this script in a new network namespace (loopback only), or refuse to run."""
    if os.environ.get(ISOLATED):
        _loopback_up()
        names = [name for _, name in socket.if_nameindex()]
        if names != ["lo"]:
            sys.exit(f"fuzz: expected a namespace with only loopback, found {names}")
        return
    flags = ["-n"] if os.geteuid() == 0 else ["-r", "-n"]
    unshare = shutil.which("unshare")
    if unshare is None:
        sys.exit("fuzz: `unshare` (util-linux) is needed to keep the fuzzed server off the network")
    env = os.environ | {ISOLATED: "1"}
    sys.exit(subprocess.call([unshare, *flags, sys.executable, *sys.argv], env=env))


def _loopback_up() -> None:
    """`ip link set lo up`, without needing iproute2."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH14s", b"lo", flags | iff_up, b""))


def _socket_url(url: str, socket_dir: str) -> str:
    """postgresql://user@host:port/db -> the same database through the server's unix socket."""
    parsed = urlparse(url)
    user = parsed.username or "postgres"
    auth = f"{user}:{parsed.password}@" if parsed.password else f"{user}@"
    return f"postgresql://{auth}/{parsed.path.lstrip('/')}?host={socket_dir}&port={parsed.port or 5432}"


# -- the server -----------------------------------------------------------------------------------


def _env(data_dir: str, database_url: str, port: int) -> dict[str, str]:
    return os.environ | {
        "DATA_DIR": data_dir,
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PASSWORD_MEMORY_KIB": "1024",
        "PASSWORD_TIME_COST": "1",
        "ACCESS_TOKEN_TTL": "3600",
        # The fuzzer's login storms would otherwise end in 429 (documented, but it hides the rest).
        "LOGIN_MAX_FAILURES_USER": "1000000",
        "LOGIN_MAX_FAILURES_ADDRESS": "1000000",
        "REMINDER_INTERVAL_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def _cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "backend", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return out.stdout.strip()


async def _reset_postgres(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


def _credit_code(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91350100MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def _seed(base: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A small world through the API: an access token per fuzzing role, and the ids it made."""
    with httpx.Client(base_url=base, timeout=60) as client:

        def login(username: str) -> dict[str, str]:
            r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            r.raise_for_status()
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        admin = login("fuzz-admin")

        def post(path: str, body: dict, headers: dict[str, str] = admin, status: int = 201) -> dict:
            r = client.post(path, json=body, headers=headers)
            if r.status_code != status:
                raise RuntimeError(f"seeding {path}: {r.status_code} {r.text}")
            return r.json()

        def user(username: str, role: str, **links: str) -> dict:
            return post(
                "/api/v1/users",
                {"username": username, "password": PASSWORD, "role": role, "display_name": "测试用户", **links},
            )

        ent = post(
            "/api/v1/enterprises",
            {
                "name": "福州测试科技有限公司",
                "credit_code": _credit_code(1),
                "district": "鼓楼区",
                "latitude": 26.08,
                "longitude": 119.3,
            },
        )
        other = post(
            "/api/v1/enterprises", {"name": "福州第二测试公司", "credit_code": _credit_code(2), "district": "台江区"}
        )
        dept = post("/api/v1/departments", {"name": "市发改委"})
        point = post(
            "/api/v1/service-points",
            {"name": "市立医院", "service": "medical", "district": "鼓楼区", "address": "鼓楼区八一七北路"},
        )
        chamber = post("/api/v1/chambers", {"name": "福州市工商联", "district": "鼓楼区"})
        holder = user("fuzz-owner", "entrepreneur", enterprise_id=ent["id"])
        staff = user("fuzz-staff", "service_staff", service_point_id=point["id"])
        dept_user = user("fuzz-dept", "department", department_id=dept["id"])
        secretary = user("fuzz-secretary", "secretary")
        leader = user("fuzz-leader", "leader")
        card = post(
            "/api/v1/cards",
            {"holder_id": holder["id"], "enterprise_id": ent["id"], "services": ["medical", "education"]},
        )
        assignment = post(
            "/api/v1/assignments",
            {
                "enterprise_id": ent["id"],
                "leader_id": leader["id"],
                "team": [],
                "mechanism": {"visit_interval_days": 30},
            },
        )
        post(
            "/api/v1/chamber-plans",
            {
                "leader_id": leader["id"],
                "chamber_id": chamber["id"],
                "year": time.gmtime().tm_year,
                "planned_visits": 4,
            },
        )
        as_leader = login("fuzz-leader")
        visit = post(
            "/api/v1/visits",
            {
                "enterprise_id": ent["id"],
                "visited_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                "latitude": 26.08,
                "longitude": 119.3,
                "summary": "走访了解融资需求",
                "attendees": ["张总"],
                "financing_coordinated": "1000000.00",
                "hires_helped": 3,
                "issues": [
                    {
                        "title": "用地指标",
                        "description": "厂房扩建缺用地指标",
                        "category": "land",
                        "disposition": "assigned",
                        "department_id": dept["id"],
                    }
                ],
            },
            headers=as_leader,
        )
        r = client.post(
            f"/api/v1/visits/{visit['id']}/photos", files={"file": ("p.png", _png(), "image/png")}, headers=as_leader
        )
        if r.status_code != 201:
            raise RuntimeError(f"seeding a photo: {r.status_code} {r.text}")
        photo = r.json()
        credential = client.get(f"/api/v1/cards/{card['id']}/credential", headers=admin).json()["token"]
        post("/api/v1/verifications", {"token": credential}, headers=login("fuzz-staff"), status=200)
        claims = json.loads(base64.urlsafe_b64decode(credential.split(".")[1] + "=="))
        tokens = {"admin": admin["Authorization"], "entrepreneur": login("fuzz-owner")["Authorization"]}
        ids = {
            "card_id": [card["id"]],
            "visit_id": [visit["id"]],
            "photo_id": [photo["id"]],
            "issue_id": [i["id"] for i in visit["issues"]],
            "assignment_id": [assignment["id"]],
            "enterprise_id": [ent["id"], other["id"]],
            "department_id": [dept["id"]],
            "service_point_id": [point["id"]],
            "chamber_id": [chamber["id"]],
            "user_id": [holder["id"], staff["id"], dept_user["id"], secretary["id"], leader["id"]],
            "leader_id": [leader["id"]],
            "holder_id": [holder["id"]],
            "list_id": [claims["status"]["status_list"]["uri"].rsplit("/", 1)[-1]],
        }
        return tokens, ids


def _config(ids: dict[str, list[str]], path: Path) -> Path:
    """A schemathesis.toml that offers the seeded ids, half the time, wherever a parameter is named so."""
    lines = []
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    for name in ids:
        for where in ("path", "query", "body"):
            lines.append(f'"{where}.{name}" = {{ dictionary = "{name}", probability = 0.5 }}')
    path.write_text("\n".join(lines) + "\n")
    return path


def _wait(base: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _schemathesis(base: str, role: str, token: str, args: argparse.Namespace, report_dir: Path, config: Path) -> int:
    st = Path(sys.executable).with_name("st")
    command = [
        str(st),
        "--config-file",
        str(config),
        "run",
        f"{base}/schema/openapi.json",
        "--url",
        base,
        "--checks",
        args.checks,
        *(["--exclude-checks", EXCLUDED] if args.checks == CHECKS else []),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--header",
        f"Authorization: {token}",
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(args.max_time),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "too_slow,filter_too_much",
        "--continue-on-failure",
        "--report",
        "junit",
        "--report-junit-path",
        str(report_dir / f"{role}.xml"),
        "--no-color",
    ]
    print(f"== schemathesis as {role}", flush=True)
    return subprocess.call(command, cwd=report_dir.parent)  # its caches go to the temp dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="fuzz on this PostgreSQL database (it is emptied)")
    parser.add_argument("--pg-socket-dir", default="/var/run/postgresql")
    parser.add_argument("--port", type=int, default=8780)
    parser.add_argument("--max-time", type=int, default=75, help="seconds of fuzzing per role (default 75)")
    parser.add_argument("--max-examples", type=int, default=30, help="test cases per operation and phase")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "1")))
    # One worker: with several, Hypothesis describes strategies from several threads at once and
    # CPython 3.11's AST builder trips over itself ("AST constructor recursion depth mismatch").
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--roles", default="admin,entrepreneur")
    parser.add_argument("--checks", default=CHECKS, help=f"schemathesis checks (default: all but {EXCLUDED})")
    args = parser.parse_args()
    _isolate()

    data_dir = tempfile.mkdtemp(prefix="greencard-fuzz-")
    if args.postgres:
        database_url = _socket_url(args.postgres, args.pg_socket_dir)
        asyncio.run(_reset_postgres(database_url))
    else:
        database_url = f"sqlite:///{data_dir}/fuzz.db"
    env = _env(data_dir, database_url, args.port)
    _cli(env, "migrate")
    _cli(env, "create-user", "--username", "fuzz-admin", "--password", PASSWORD, "--role", "admin")
    log_path = Path(data_dir) / "server.log"
    base = f"http://127.0.0.1:{args.port}"
    failed = []
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--no-migrate", "--port", str(args.port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait(base, server)
            tokens, ids = _seed(base)
            config = _config(ids, Path(data_dir) / "schemathesis.toml")
            report_dir = Path(data_dir) / "reports"
            for role in args.roles.split(","):
                if _schemathesis(base, role, tokens[role], args, report_dir, config) != 0:
                    failed.append(role)
        finally:
            server.terminate()
            server.wait(timeout=30)
    server_errors = _server_errors(log_path)
    for line in server_errors[:20]:
        print(f"server: {line}")
    passed, failures = _tally(Path(data_dir) / "reports")
    engine = "postgresql" if args.postgres else "sqlite"
    if failed or server_errors:
        print(
            f"fuzz on {engine}: FAILED (schemathesis failed as {failed or 'nobody'}; "
            f"{len(server_errors)} unhandled server errors; log and reports in {data_dir})"
        )
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
        print(f"fuzz on {engine}: clean as {args.roles} (seed {args.seed})")
    # One line per operation and role, in the form CI reads as a test count.
    print(f"fuzz: {passed} passed, {failures + len(server_errors)} failed")
    return 1 if failed or server_errors else 0


def _server_errors(log_path: Path) -> list[str]:
    """The server's unhandled errors (500s, or anything logged at level error), one line each."""
    found = []
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            if "Traceback" in line:
                found.append(line[:300])
            continue
        if isinstance(event, dict) and event.get("level") in ("error", "critical"):
            found.append(f"{event.get('event')} {event.get('error_type', '')} {event.get('path', '')}"[:300])
    return found


def _tally(report_dir: Path) -> tuple[int, int]:
    """(operations that passed, operations that failed or errored), over every role's JUnit report."""
    passed = failures = 0
    for report in report_dir.glob("*.xml"):
        root = ElementTree.parse(report).getroot()
        tests = int(root.get("tests", 0))
        bad = int(root.get("failures", 0)) + int(root.get("errors", 0))
        passed, failures = passed + tests - bad, failures + bad
    return passed, failures


if __name__ == "__main__":
    sys.exit(main())
