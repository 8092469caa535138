"""Organizers and members using netweave at once, as they do from their phones.

Run by loadtest/run (which builds the database, starts the production setup and checks the
writes afterwards); by hand:

    NETWEAVE_LOADTEST_USERS=users.json NETWEAVE_LOADTEST_WRITES=writes.jsonl \
        locust -f loadtest/locustfile.py --host http://127.0.0.1:8765 --headless -u 200 -r 7 -t 5m

Each simulated person signs in once (organizers with their authenticator's code), then browses,
reports back on tasks and signs newcomers up through a referral code, waiting 3 to 12 seconds
between requests (NETWEAVE_LOADTEST_THINK="min,max"). Every write that gets a success answer is
appended to the writes log (one JSON object a line), so loadtest/verify.py can check afterwards
that each one is in the database.

The load test plays the TLS proxy that stands in front of netweave in production
(docs/deployment.md): every request carries X-Forwarded-Proto: https and X-Forwarded-For with
the simulated phone's own address, as Caddy or nginx would send them. So the server runs with
its production settings unchanged (HTTPS-only cookies, HSTS, CSRF origin checks, rate limits per
client address behind NETWEAVE_PROXY_COUNT=1).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

from django_otp.oath import totp  # the same RFC 6238 code an authenticator app shows
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

USERS = json.loads(open(os.environ["NETWEAVE_LOADTEST_USERS"]).read())  # noqa: SIM115
WRITES_PATH = os.environ["NETWEAVE_LOADTEST_WRITES"]
THINK = tuple(float(s) for s in os.environ.get("NETWEAVE_LOADTEST_THINK", "3,12").split(","))
# Each run uses addresses of its own: the rate-limit counters of an earlier run, still in the
# cache for a few minutes, must not count against this one's.
RUN_NET = random.randint(1, 250)  # noqa: S311
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON_LINK = re.compile(r'href="(/people/[A-Za-z0-9_-]{16}/)"')
ERRORS = re.compile(r'class="errorlist[^"]*"[^>]*>\s*<li>([^<]{0,160})')
NETWORK_LINK = re.compile(r'href="(/networks/[A-Za-z0-9_-]{16}/)"')

_organizers = iter(USERS["organizers"])
_members = iter(USERS["members"])
_addresses = itertools.count(1)
_writes_lock = threading.Lock()
_writes = open(WRITES_PATH, "a", buffering=1)  # noqa: SIM115  # one line per write, flushed


def log_write(**row: Any) -> None:
    with _writes_lock:
        _writes.write(json.dumps(row) + "\n")


@events.quitting.add_listener
def _close_writes(**_kwargs: Any) -> None:
    _writes.close()


# The steady state: every request once the last person has started (and signed in), apart
# from the ramp's sign-ins. The run's own figures still count everything; this is printed
# beside them (loadtest/runner.py), for comparing runs whose ramps differ.
STEADY_PATH = os.environ.get("NETWEAVE_LOADTEST_STEADY", "")
_steady: dict[str, Any] = {"started": None, "times": []}


@events.spawning_complete.add_listener
def _steady_begins(**_kwargs: Any) -> None:
    _steady["started"] = time.time()


@events.request.add_listener
def _steady_request(response_time: float, exception: Any, **_kwargs: Any) -> None:
    if _steady["started"] is not None:
        _steady["times"].append(response_time if exception is None else None)


@events.quitting.add_listener
def _steady_write(**_kwargs: Any) -> None:
    if not STEADY_PATH:
        return
    times = sorted(t for t in _steady["times"] if t is not None)

    def pct(q: float) -> float | None:
        return round(times[min(len(times) - 1, int(q * len(times)))], 1) if times else None

    with open(STEADY_PATH, "w") as out:
        json.dump({"started": _steady["started"], "requests": len(_steady["times"]),
                   "failures": len(_steady["times"]) - len(times),
                   "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99)}, out)


class Phone(FastHttpUser):
    """What organizers and members share: a phone on its own address, behind the proxy."""

    abstract = True
    # Reading the page, typing a report, walking to the next person at a table.
    wait_time = between(*THINK)

    def on_start(self) -> None:
        n = next(_addresses)
        address = f"10.{RUN_NET}.{n // 250}.{n % 250 + 1}"
        # What the proxy adds; Origin is what a browser sends with every form post.
        self.proxy_headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": address}
        netloc = urlsplit(self.host).netloc
        # The server's cookies are HTTPS-only (Secure, __Host-): the proxy's leg to the
        # browser is HTTPS, the leg to the app is this plain loopback, so send them here.
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self.origin = f"https://{netloc}"

    # --- requests ---------------------------------------------------------------------------

    def get(self, path: str, *, name: str | None = None) -> str:
        with self.client.get(path, name=name or path, headers=self.proxy_headers,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} from {path}")
                return ""
            if "/login/" in (response.url or "") and not path.startswith("/login/"):
                response.failure(f"signed out at {path}")
                return ""
            return response.text or ""

    def post(self, path: str, data: dict[str, Any], *, name: str, page: str,
             expect: str) -> str | None:
        """Post a form the way a browser does: the CSRF token from the page it is on, its
        origin, no redirect followed by the client (the caller follows it, counted apart).
        Success is a redirect to `expect`; anything else is a failure."""
        token = CSRF.search(page)
        if token is None:
            return None
        headers = {**self.proxy_headers, "Origin": self.origin, "Referer": self.origin + "/"}
        with self.client.post(path, data={"csrfmiddlewaretoken": token.group(1), **data},
                              name=name, headers=headers, allow_redirects=False,
                              catch_response=True) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or not location.startswith(expect):
                said = ERRORS.findall(response.text or "")[:2]
                response.failure(f"{response.status_code} from {name}, to {location!r} {said}")
                return None
            return location

    def sign_in(self, account: dict[str, Any], *, second_factor: bool) -> None:
        page = self.get("/login/")
        done = self.post("/login/", {"username": account["username"],
                                     "password": USERS["password"]},
                         name="/login/ [post]", page=page, expect="/")
        if done is None:
            raise StopUser
        if second_factor:
            page = self.get("/account/2fa/verify/?next=/", name="/account/2fa/verify/")
            code = f"{totp(bytes.fromhex(account['totp_key'])):06d}"
            if self.post("/account/2fa/verify/?next=/", {"code": code},
                         name="/account/2fa/verify/ [post]", page=page, expect="/") is None:
                raise StopUser
        self.get("/", name="/ (dashboard)")

    def sign_up_newcomer(self, code: str, by: str) -> None:
        """A newcomer met at a table or through a friend signs up on the join page."""
        page = self.get(f"/join/{code}/", name="/join/<code>/")
        tag = uuid.uuid4().hex[:12]
        values = {"display_name": f"Newcomer {tag}", "email": f"newcomer-{tag}@example.org",
                  "phone": "", "phone_kind": "phone", "language": "", "hours_per_week": ""}
        done = self.post(f"/join/{code}/", values, name="/join/<code>/ [post]", page=page,
                         expect=f"/join/{code}/thanks/")
        if done is not None:
            log_write(kind="signup", code=code, name=values["display_name"],
                      email=values["email"], by=by)
            self.get(done, name="/join/<code>/thanks/")


class Organizer(Phone):
    """A chapter organizer: the dashboard, people and their pages, networks, tasks, the
    follow-up desk; signs people up at a table."""

    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.account = next(_organizers)
        self.sign_in(self.account, second_factor=True)

    @task(4)
    def dashboard(self) -> None:
        self.get("/", name="/ (dashboard)")

    @task(3)
    def people(self) -> None:
        page = self.get("/people/")
        links = PERSON_LINK.findall(page)
        if links:
            self.wait()
            self.get(random.choice(links), name="/people/<id>/")  # noqa: S311

    @task(2)
    def networks(self) -> None:
        page = self.get("/networks/")
        links = NETWORK_LINK.findall(page)
        if links:
            self.wait()
            self.get(random.choice(links), name="/networks/<id>/")  # noqa: S311

    @task(2)
    def task_list(self) -> None:
        self.get("/tasks/")

    @task(1)
    def followups(self) -> None:
        self.get("/followups/")

    @task(2)
    def sign_up_at_a_table(self) -> None:
        self.sign_up_newcomer(self.account["code"], by=self.account["username"])


class Member(Phone):
    """A member: their home page, their tasks, their network; reports back on a task and
    brings a friend in through their own code."""

    weight = 9

    def on_start(self) -> None:
        super().on_start()
        self.account = next(_members)
        self.open_tasks = list(self.account["tasks"])
        self.sign_in(self.account, second_factor=False)

    @task(4)
    def dashboard(self) -> None:
        self.get("/", name="/ (dashboard)")

    @task(2)
    def task_list(self) -> None:
        self.get("/tasks/")

    @task(2)
    def network(self) -> None:
        self.get(f"/networks/{self.account['network']}/", name="/networks/<id>/")

    @task(3)
    def report_back(self) -> None:
        if not self.open_tasks:
            self.task_list()
            return
        item = self.open_tasks.pop()
        path = f"/tasks/{item['id']}/"
        page = self.get(path, name="/tasks/<id>/")
        self.wait()  # filling in the numbers
        numbers = {key: random.randint(0, 40) for key in item["counts"]}  # noqa: S311
        note = f"load {uuid.uuid4().hex[:8]}"
        done = self.post(f"{path}report/", {**{k: str(v) for k, v in numbers.items()},
                                            "report_note": note},
                         name="/tasks/<id>/report/ [post]", page=page, expect=path)
        if done is not None:
            log_write(kind="report", task=item["id"], numbers=numbers, note=note,
                      by=self.account["username"])
            self.get(done, name="/tasks/<id>/")

    @task(1)
    def bring_a_friend(self) -> None:
        self.sign_up_newcomer(self.account["code"], by=self.account["username"])
