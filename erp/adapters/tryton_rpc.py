"""Tryton's JSON-RPC, plain: a session per client, typed values both ways, errors sorted into
"try again later" and "the ERP refused".

Protocol (Tryton 8.2): POST http://host:port/<db>/rpc/ with {"id", "method", "params"};
`common.db.login` answers [user id, session key, bus url] and every later call carries
`Authorization: Session base64(login:user_id:key)` (Basic auth would re-check the password's
argon2 hash on every call, five times slower). Model calls are `model.<model>.<method>` with the
user's context (from `model.res.user.get_preferences`) as the last parameter. Decimal, date,
datetime, time, timedelta and bytes travel as {"__class__": …} objects. A refusal comes back as
HTTP 200 with {"error": [kind, [message, description, extra]]}; a bad session or password is 401;
a method not exposed is 403."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import requests

from erp.exceptions import ErpAuthFailed, ErpRefused, ErpUnavailable

# What an ERP error message may keep: `extra` can hold whole field dumps.
MAX_ERROR_CHARS = 1000


def encode(value: Any) -> Any:
    """Python → JSON-ready, with Tryton's typed objects."""
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {
            "__class__": "datetime",
            "year": value.year,
            "month": value.month,
            "day": value.day,
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, dt.date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, dt.time):
        return {
            "__class__": "time",
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, dt.timedelta):
        return {"__class__": "timedelta", "seconds": value.total_seconds()}
    if isinstance(value, bytes | bytearray):
        return {"__class__": "bytes", "base64": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


_DECODERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "Decimal": lambda d: Decimal(d["decimal"]),
    "date": lambda d: dt.date(d["year"], d["month"], d["day"]),
    "datetime": lambda d: dt.datetime(
        d["year"],
        d["month"],
        d["day"],
        d.get("hour", 0),
        d.get("minute", 0),
        d.get("second", 0),
        d.get("microsecond", 0),
    ),
    "time": lambda d: dt.time(
        d.get("hour", 0), d.get("minute", 0), d.get("second", 0), d.get("microsecond", 0)
    ),
    "timedelta": lambda d: dt.timedelta(seconds=d["seconds"]),
    "bytes": lambda d: base64.b64decode(d["base64"]),
}


def decode_object(obj: dict[str, Any]) -> Any:
    """json.loads' object hook: Tryton's typed objects back to Python values."""
    decoder = _DECODERS.get(str(obj.get("__class__", "")))
    return decoder(obj) if decoder else obj


def dumps(value: Any) -> str:
    return json.dumps(encode(value), separators=(",", ":"))


def loads(text: str) -> Any:
    # Floats as Decimal: quantities and prices never pass through binary floating point.
    return json.loads(text, object_hook=decode_object, parse_float=Decimal)


def error_message(error: Any) -> str:
    """The ERP's own words for a refusal, truncated: [kind, [message, description, extra]]."""
    if isinstance(error, list) and len(error) == 2:
        kind, args = error
        if isinstance(args, list) and args:
            parts = [str(part) for part in args[:2] if part]
            text = " ".join(parts) if parts else str(kind)
            return f"{kind}: {text}"[:MAX_ERROR_CHARS]
        return f"{kind}: {args}"[:MAX_ERROR_CHARS]
    return str(error)[:MAX_ERROR_CHARS]


class ErpWarning(ErpRefused):
    """A Tryton UserWarning: the ERP asks for a confirmation, given by recording the warning's
    `name` for the user (res.user.warning) and calling again."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class TrytonRpc:
    """One logged-in session against one database. Not thread-safe; make one per task run.
    Every failure is an ErpUnavailable (retry later), ErpAuthFailed or ErpRefused."""

    def __init__(
        self,
        url: str,
        database: str,
        login: str,
        password: str,
        *,
        timeout: float = 20.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base = url.rstrip("/")
        self.database = database
        self.login_name = login
        self.password = password
        self.timeout = timeout
        self.http = session or requests.Session()
        self.ids = itertools.count(1)
        self.authorization: str | None = None
        self.context: dict[str, Any] = {}
        self.user_id = 0

    # --- transport ------------------------------------------------------------------------------

    def _post(self, path: str, method: str, params: list[Any]) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.authorization:
            headers["Authorization"] = self.authorization
        body = dumps({"id": next(self.ids), "method": method, "params": params})
        try:
            response = self.http.post(
                f"{self.base}{path}", data=body, headers=headers, timeout=self.timeout
            )
        except requests.Timeout as exc:
            raise ErpUnavailable(f"The ERP did not answer within {self.timeout:g} s.") from exc
        except requests.RequestException as exc:
            raise ErpUnavailable(f"The ERP cannot be reached at {self.base}: {exc}") from exc
        if response.status_code == 401:
            raise ErpAuthFailed(
                f"The ERP refused the login {self.login_name!r} for database "
                f"{self.database!r}: check the user name and password."
            )
        if response.status_code == 403:
            raise ErpRefused(f"The ERP does not allow {method} (HTTP 403).")
        if response.status_code == 404:
            raise ErpRefused(
                f"The ERP answered 404 for {path}: check the URL and the database name."
            )
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise ErpUnavailable(f"The ERP answered HTTP {response.status_code} for {method}.")
        if response.status_code != 200:
            raise ErpRefused(f"The ERP answered HTTP {response.status_code} for {method}.")
        try:
            answer = loads(response.text)
        except ValueError as exc:
            raise ErpRefused(f"The ERP's answer to {method} is not JSON-RPC.") from exc
        if not isinstance(answer, dict):
            raise ErpRefused(f"The ERP's answer to {method} is not JSON-RPC.")
        if answer.get("error") is not None:
            error = answer["error"]
            kind = error[0] if isinstance(error, list) and error else ""
            if kind in ("DatabaseOperationalError", "ConcurrencyException", "RateLimitException"):
                raise ErpUnavailable(error_message(error))
            if kind == "UserWarning" and isinstance(error[1], list) and len(error[1]) >= 2:
                raise ErpWarning(str(error[1][0]), f"UserWarning: {error[1][1]}"[:MAX_ERROR_CHARS])
            if kind == "NotLogged":
                raise ErpAuthFailed("The ERP ended the session (NotLogged).")
            raise ErpRefused(error_message(error))
        return answer.get("result")

    # --- session --------------------------------------------------------------------------------

    def login(self) -> int:
        """Opens the session and reads the user's context; returns the ERP's user id."""
        result = self._post(
            f"/{self.database}/rpc/",
            "common.db.login",
            [self.login_name, {"password": self.password}, "en"],
        )
        if not isinstance(result, list) or len(result) < 2:
            raise ErpAuthFailed(
                f"The ERP refused the login {self.login_name!r} for database {self.database!r}."
            )
        user_id, key = int(result[0]), str(result[1])
        self.user_id = user_id
        token = base64.b64encode(f"{self.login_name}:{user_id}:{key}".encode()).decode()
        self.authorization = f"Session {token}"
        self.context = self._post(
            f"/{self.database}/rpc/", "model.res.user.get_preferences", [True, {}]
        )
        return user_id

    def logout(self) -> None:
        if self.authorization:
            # A failed logout is harmless: the session times out by itself.
            with contextlib.suppress(ErpUnavailable, ErpRefused, ErpAuthFailed):
                self._post(f"/{self.database}/rpc/", "common.db.logout", [])
            self.authorization = None

    def __enter__(self) -> TrytonRpc:
        self.login()
        return self

    def __exit__(self, *exc: object) -> None:
        self.logout()
        self.http.close()

    def server_version(self) -> str:
        return str(self._post("/rpc/", "common.server.version", []))

    # --- model calls ----------------------------------------------------------------------------

    def call(
        self, model: str, method: str, *args: Any, context: dict[str, Any] | None = None
    ) -> Any:
        """`model.<model>.<method>(*args, context)`: the user's context, plus `context`."""
        if self.authorization is None:
            self.login()
        ctx = {**self.context, **(context or {})}
        return self._post(f"/{self.database}/rpc/", f"model.{model}.{method}", [*args, ctx])

    def search_read(
        self,
        model: str,
        domain: list[Any],
        fields: list[str],
        *,
        limit: int | None = None,
        order: list[list[str]] | None = None,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        rows = self.call(model, "search_read", domain, 0, limit, order, fields, context=context)
        return list(rows or [])

    def read(
        self,
        model: str,
        ids: list[int],
        fields: list[str],
        *,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        if not ids:
            return []
        return list(self.call(model, "read", ids, fields, context=context) or [])

    def create(self, model: str, values: list[dict[str, Any]]) -> list[int]:
        return [int(pk) for pk in self.call(model, "create", values)]

    def write(self, model: str, ids: list[int], values: dict[str, Any]) -> None:
        self.call(model, "write", ids, values)

    def button(self, model: str, name: str, ids: list[int], *, confirm: bool = False) -> Any:
        """Clicks a button. With `confirm`, a UserWarning (e.g. a receipt above the ordered
        quantity) is acknowledged once, as a user clicking "Yes" would, and the click repeated:
        the floor's count is the fact, the ERP's question is only whether we mean it."""
        try:
            return self.call(model, name, ids)
        except ErpWarning as warning:
            if not confirm:
                raise
            self.create(
                "res.user.warning", [{"user": self.user_id, "name": warning.name, "always": False}]
            )
            return self.call(model, name, ids)
