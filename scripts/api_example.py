#!/usr/bin/env python3
"""A small netweave API client: what a user can run against the demo (docs/api.md).

    NETWEAVE_URL=http://localhost:8000 NETWEAVE_TOKEN=nw_... python3 scripts/api_example.py

It lists your chapters, pages through every person you may see (200 at a time), counts
networks by status, and prints each chapter's headline numbers when you are allowed them.
With --log-outreach it also logs an outreach session (needs a read-and-write token), sending an
Idempotency-Key so that running it twice after a lost answer logs it once.

Standard library only, so it runs anywhere Python does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any


class Api:
    def __init__(self, base_url: str, token: str) -> None:
        self.base = base_url.rstrip("/") + "/api/v1"
        self.token = token

    def call(self, method: str, path: str, query: dict[str, Any] | None = None,
             body: Any = None, headers: dict[str, str] | None = None) -> Any:
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
            **(headers or {}),
        })
        while True:
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310
                    return json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                if error.code == 429:  # over the rate limit: wait as told, then try again
                    time.sleep(int(error.headers.get("Retry-After", "1")))
                    continue
                problem = json.loads(error.read() or b"{}")
                said = f"{problem.get('message')} {problem.get('fields') or ''}"
                raise SystemExit(f"{method} {path}: {error.code} {problem.get('code')}: {said}"
                                 ) from None

    def pages(self, path: str, **query: Any) -> Iterator[dict[str, Any]]:
        """Every row of a list, following next_cursor."""
        cursor = None
        while True:
            page = self.call("GET", path, {**query, **({"cursor": cursor} if cursor else {})})
            yield from page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("NETWEAVE_URL", "http://localhost:8000"))
    parser.add_argument("--token", default=os.environ.get("NETWEAVE_TOKEN", ""))
    parser.add_argument("--log-outreach", metavar="WHERE",
                        help="also log an outreach session at this location")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("make a token at /account/api-tokens/ and pass it with NETWEAVE_TOKEN")
    api = Api(args.url, args.token)

    chapters = api.call("GET", "/chapters")
    print("Chapters:", ", ".join(c["name"] for c in chapters) or "none")
    people = list(api.pages("/people", limit=200))
    print(f"People you may see: {len(people)}")
    networks = Counter(n["status"] for n in api.pages("/networks", limit=200))
    print("Networks:", ", ".join(f"{s} {n}" for s, n in sorted(networks.items())) or "none")
    for chapter in chapters:
        try:
            numbers = api.call("GET", f"/chapters/{chapter['id']}/metrics")
        except SystemExit:  # only a chapter's organizers see its numbers
            continue
        head = numbers["headline"]
        print(f"{chapter['name']}: {head['active_networks']} active networks, "
              f"growth {numbers['growth']['verdict']}")
    if args.log_outreach and chapters:
        session = api.call(
            "POST", "/outreach",
            body={"chapter": chapters[0]["id"], "location": args.log_outreach,
                  "started_at": datetime.now(UTC).isoformat(), "flyers": 0},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        print(f"Logged outreach session {session['id']} at {session['location']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
