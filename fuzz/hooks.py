"""Schemathesis hooks for `fuzz/run` (loaded through SCHEMATHESIS_HOOKS).

Two things schemathesis cannot know about this API:

* What a server error is. Its built-in GraphQL check reads any error with a `path` and no
  Apollo code as a server error, so every NOT_FOUND, CONFLICT or FORBIDDEN a resolver answers
  would fail the run. This API labels every error with `extensions.code` (the contract's six
  codes); a fault of the server is a 5xx or `INTERNAL`, and an error with any other code, or
  none, breaks the contract. `registry_contract` checks exactly that, and `fuzz/run` runs it
  in place of `not_a_server_error`.

* What the custom scalars hold. UUIDs are drawn half from the ids of the demo county (the file
  named by FUZZ_IDS, written by `fuzz/run`), so that mutations reach their rules instead of
  stopping at NOT_FOUND, and half at random. Dates are drawn mostly from the years the
  registry takes (1900 to ten years ahead), so that they pass the range check and reach the
  date rules, and sometimes from anywhere in 0001-9999. `Upload` is only ever a multipart file;
  inline it is a string, which the server must refuse as input.
"""

from __future__ import annotations

import datetime
import json
import os
import re

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

CONTRACT_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT"}


def _ids() -> list[str]:
    path = os.environ.get("FUZZ_IDS")
    if not path:
        return []
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


_REAL_IDS = _ids()
_random_uuids = st.uuids().map(str)
_uuids = (
    st.one_of(st.sampled_from(_REAL_IDS), _random_uuids) if _REAL_IDS else _random_uuids
)
schemathesis.graphql.scalar("UUID", _uuids.map(nodes.String))

_plausible_dates = st.dates(
    min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2036, 12, 31)
)
_recent_dates = st.dates(
    min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2027, 12, 31)
)
_dates = st.one_of(_recent_dates, _plausible_dates, st.dates()).map(lambda d: d.isoformat())
schemathesis.graphql.scalar("Date", _dates.map(nodes.String))

_times = st.times().map(lambda t: t.isoformat())
schemathesis.graphql.scalar(
    "DateTime",
    st.tuples(_dates, _times).map(lambda p: f"{p[0]}T{p[1]}Z").map(nodes.String),
)

schemathesis.graphql.scalar("Upload", st.text(max_size=20).map(nodes.String))


_SEEN: set[str] = set()
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _note(code: str, message: str) -> None:
    """Keeps each kind of refusal once (ids and numbers blanked) in FUZZ_MESSAGES, for a person
    to read: a cause the server should have named another way shows there."""
    path = os.environ.get("FUZZ_MESSAGES")
    if not path:
        return
    kind = re.sub(r"\d+", "N", _UUID.sub("<id>", message))[:300]
    line = f"{code}: {kind}"
    if line not in _SEEN:
        _SEEN.add(line)
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


@schemathesis.check
def registry_contract(ctx, response, case):
    """No 5xx, no `INTERNAL`, and every error carries one of the contract's codes."""
    request_id = response.headers.get("x-request-id", ["?"])
    if isinstance(request_id, list):
        request_id = request_id[0] if request_id else "?"
    if response.status_code >= 500:
        raise AssertionError(
            f"HTTP {response.status_code} (request id {request_id}): {response.text[:500]}"
        )
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"the response is not JSON ({exc}): {response.text[:500]}")
    bodies = body if isinstance(body, list) else [body]
    for item in bodies:
        if not isinstance(item, dict):
            raise AssertionError(f"a GraphQL response is not an object: {item!r}")
        for error in item.get("errors") or []:
            extensions = error.get("extensions") or {}
            code = extensions.get("code")
            _note(str(code), str(error.get("message")))
            if code == "INTERNAL":
                raise AssertionError(
                    f"INTERNAL error (requestId {extensions.get('requestId')}): "
                    f"{error.get('message')}"
                )
            if code not in CONTRACT_CODES:
                raise AssertionError(
                    f"an error without a code of the contract ({code!r}): {error!r}"
                )
