"""A small keep-alive HTTP client (http.client) with a cookie jar, a session log-in through a
Django form with its CSRF token, and per-request timing."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REQUEST_TIMEOUT = 60.0


class LoginError(RuntimeError):
    pass


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float
    location: str = ""


@dataclass
class Client:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = REQUEST_TIMEOUT
    _connection: http.client.HTTPConnection | None = None

    def clone(self) -> Client:
        """A client with its own connection and the same session and headers (for threads)."""
        return Client(self.host, self.port, dict(self.cookies), dict(self.headers), self.timeout)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request on the kept-alive connection (reconnecting once if the server
        closed it while idle) and read the whole answer; `seconds` covers both."""
        all_headers = {"Host": f"{self.host}:{self.port}", **self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            started = time.perf_counter()
            try:
                self._connection.request(method, path, body=body, headers=all_headers)
                answer = self._connection.getresponse()
                data = answer.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            for value in answer.headers.get_all("Set-Cookie") or []:
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            if answer.will_close:
                self.close()
            return Response(answer.status, data, seconds, answer.headers.get("Location", ""))
        raise AssertionError("unreachable")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> Response:
        return self.request(
            "POST",
            path,
            body=urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}{path}",
            },
        )

    def log_in(self, path: str, fields: dict[str, str]) -> None:
        """Sign in through a Django log-in form: fetch it for the CSRF token, post the
        credentials, and expect a redirect with a session cookie."""
        form = self.get(path)
        match = CSRF_INPUT.search(form.body.decode(errors="replace"))
        if form.status != 200 or match is None:
            raise LoginError(f"GET {path} gave {form.status} without a CSRF token")
        answer = self.post_form(path, {**fields, "csrfmiddlewaretoken": match.group(1)})
        if answer.status not in (301, 302, 303) or "sessionid" not in self.cookies:
            raise LoginError(f"POST {path} gave {answer.status}: {answer.body[:300]!r}")

    @property
    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")
