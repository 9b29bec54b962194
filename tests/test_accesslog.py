"""The access log: its line, its escaping, and its batched writes."""

from __future__ import annotations

import asyncio
import datetime
import io
import re
from collections.abc import Callable, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from plain_pcc.accesslog import LineWriter
from plain_pcc.app import create_app
from plain_pcc.settings import Settings

from .conftest import CheckedClient

LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z "
    r'(?P<method>\S+) "(?P<path>[^"]*)" (?P<status>\d{3}) (?P<bytes>\d+) [\d.]+ms$'
)


@pytest.fixture(scope="module")
def logged_app(make_settings: Callable[..., Settings]) -> Starlette:
    app = create_app(make_settings(access_log=True))
    # Lines wait for the tests to ask for them: the timer is tested on the writer itself.
    app.state.access_log.delay = 3600
    return app


class Logged:
    """A client of the logged app, and the access lines its requests wrote."""

    def __init__(self, client: CheckedClient, app: Starlette, capsys: pytest.CaptureFixture[str]):
        self.client = client
        self.app = app
        self.capsys = capsys

    def lines(self) -> list[str]:
        self.app.state.access_log.flush()
        return self.capsys.readouterr().out.splitlines()

    def only_line(self) -> re.Match[str]:
        [line] = self.lines()
        match = LINE.match(line)
        assert match is not None, line
        return match


@pytest.fixture
def logged(logged_app: Starlette, capsys: pytest.CaptureFixture[str]) -> Iterator[Logged]:
    with CheckedClient(logged_app, follow_redirects=False) as client:
        capsys.readouterr()
        yield Logged(client, logged_app, capsys)


# The line -------------------------------------------------------------------------------------


def test_one_line_per_request_with_time_method_path_status_bytes(logged: Logged) -> None:
    before = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    response = logged.client.get("/cookies/", headers={"accept-encoding": "gzip"})
    after = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    line = logged.only_line()
    # When the answer ended, in UTC, to the millisecond.
    logged_at = datetime.datetime.fromisoformat(line["time"])
    assert before.replace(microsecond=before.microsecond // 1000 * 1000) <= logged_at <= after
    assert line["method"] == "GET"
    assert line["path"] == "/cookies/"
    assert line["status"] == "200"
    # Bytes as sent: the compressed body.
    assert response.headers["content-encoding"] == "gzip"
    assert int(line["bytes"]) == int(response.headers["content-length"])


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("HEAD", "/", 200),
        ("GET", "/no-such-page/", 404),
        ("POST", "/cookies/", 405),
        ("GET", "/cookies", 308),
        ("GET", "/preferences", 405),
        ("GET", "/healthz", 200),
    ],
)
def test_every_kind_of_answer_is_logged(
    logged: Logged, method: str, path: str, status: int
) -> None:
    response = logged.client.request(method, path, headers={"accept-encoding": "identity"})
    line = logged.only_line()
    assert (line["method"], line["path"], int(line["status"])) == (method, path, status)
    assert int(line["bytes"]) == len(response.content)


def test_form_post_and_its_redirect_are_logged(logged: Logged) -> None:
    logged.client.post(
        "/preferences",
        content="font_size=large&return_to=/",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    line = logged.only_line()
    assert (line["method"], line["path"], line["status"]) == ("POST", "/preferences", "303")


def test_an_internal_error_is_logged_with_the_bytes_of_the_500_page(
    make_settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(make_settings(access_log=True))

    def boom(request: Request) -> None:
        raise RuntimeError("deliberate")

    app.router.routes.insert(0, Route("/boom", boom))
    with CheckedClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"accept-encoding": "identity"})
    assert response.status_code == 500
    [line] = capsys.readouterr().out.splitlines()
    match = LINE.match(line)
    assert match is not None, line
    assert (match["path"], match["status"]) == ("/boom", "500")
    assert int(match["bytes"]) == len(response.content) > 0


def test_refused_host_is_logged(logged: Logged) -> None:
    logged.client.get("/", headers={"host": "evil.example"})
    assert logged.only_line()["status"] == "400"


def test_cookie_values_are_never_logged(logged: Logged) -> None:
    secret = "s3cr3t-session-value"
    logged.client.get("/", headers={"cookie": f"font_size=large; session={secret}"})
    logged.client.post(
        "/preferences",
        content="font_size=extra-large",
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "cookie": f"session={secret}",
        },
    )
    lines = logged.lines()
    assert len(lines) == 2
    assert not any(secret in line or "large" in line for line in lines)


@pytest.mark.parametrize(
    ("path", "logged_as"),
    [
        ("/a%0Ab", "/a\\x0ab"),
        ("/a%0D%0AGET%20/forged", "/a\\x0d\\x0aGET\\x20/forged"),
        ("/%1B%5B31mred", "/\\x1b[31mred"),
        ("/%00", "/\\x00"),
        ("/x%22%20200%201%201.0ms", "/x\\x22\\x20200\\x201\\x201.0ms"),
        ("/back%5Cslash", "/back\\x5cslash"),
        ("/caf%C3%A9", "/caf\\xe9"),
        ("/%E2%80%AE", "/\\u202e"),
        ("/%F0%9F%98%80", "/\\U0001f600"),
    ],
    ids=["newline", "crlf", "escape", "nul", "quote", "backslash", "latin", "bidi", "astral"],
)
def test_control_characters_in_paths_are_escaped(logged: Logged, path: str, logged_as: str) -> None:
    """A path cannot split, forge, colour or reorder a log line."""
    logged.client.get(path)
    [line] = logged.lines()
    assert line.isascii(), line
    assert line.isprintable(), line
    match = LINE.match(line)
    assert match is not None, line
    assert match["path"] == logged_as
    assert match["status"] == "404"


def test_lines_are_written_at_shutdown(
    make_settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(make_settings(access_log=True))
    app.state.access_log.delay = 3600
    with CheckedClient(app) as client:
        for _ in range(3):
            client.get("/")
        # Three short lines wait for the timer or the end.
        assert capsys.readouterr().out == ""
    lines = capsys.readouterr().out.splitlines()
    assert [LINE.match(line)["path"] for line in lines] == ["/"] * 3  # type: ignore[index]


def test_access_log_can_be_turned_off(app: Starlette, capsys: pytest.CaptureFixture[str]) -> None:
    assert app.state.access_log is None
    with CheckedClient(app) as client:
        client.get("/")
    assert capsys.readouterr().out == ""


# The writer -----------------------------------------------------------------------------------


class Recording(io.StringIO):
    """A stream that remembers each write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


def write_lines(writer: LineWriter, lines: list[str], then: float = 0.0) -> None:
    async def main() -> None:
        for line in lines:
            writer.write(line)
        await asyncio.sleep(then)

    asyncio.run(main())


def test_writes_are_whole_lines_within_the_limit() -> None:
    stream = Recording()
    writer = LineWriter(stream, delay=60, limit=100)
    lines = [f"line {n:02d} {'x' * (n % 7) * 5}\n" for n in range(40)]
    write_lines(writer, lines)
    writer.flush()
    assert "".join(stream.writes) == "".join(lines)
    assert len(stream.writes) > 1
    for text in stream.writes:
        assert len(text) <= 100
        assert text.endswith("\n")
    # Each write holds as many lines as fit: with the next line it would have been too long.
    written = 0
    for text in stream.writes[:-1]:
        written += text.count("\n")
        assert len(text) + len(lines[written]) > 100


def test_a_line_longer_than_the_limit_is_written_alone() -> None:
    stream = Recording()
    writer = LineWriter(stream, delay=60, limit=20)
    long = "y" * 50 + "\n"
    write_lines(writer, ["short\n", long, "short again\n"])
    writer.flush()
    assert stream.writes == ["short\n", long, "short again\n"]


def test_waiting_lines_are_written_after_the_delay() -> None:
    stream = Recording()
    writer = LineWriter(stream, delay=0.01)
    # The loop runs the writer's timer before it wakes the sleep, which ends later.
    write_lines(writer, ["a\n", "b\n"], then=0.05)
    assert stream.writes == ["a\nb\n"]
    assert writer.timer is None


def test_a_timer_on_a_finished_loop_is_replaced() -> None:
    """Test clients run a loop per client: lines written on the next must not wait forever."""
    stream = Recording()
    writer = LineWriter(stream, delay=0.01)
    write_lines(writer, ["first\n"])
    assert stream.writes == []
    write_lines(writer, ["second\n"], then=0.05)
    assert stream.writes == ["first\nsecond\n"]


def test_a_closed_stream_loses_the_batch_and_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    stream = io.StringIO()
    stream.close()
    writer = LineWriter(stream, delay=60)
    write_lines(writer, ["lost\n"])
    writer.flush()
    assert writer.pending == []
    [record] = caplog.records
    assert record.getMessage() == "1 access lines could not be written"
    assert record.exc_info is not None
