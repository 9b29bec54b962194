"""The nginx example in deploy/, run for real: on loopback, an unprivileged port and a
throw-away prefix, in front of a running site, and checked answer by answer."""

from __future__ import annotations

import gzip
import http.client
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = ("/usr/sbin/nginx", "nginx")


def binary() -> str | None:
    for name in NGINX:
        found = shutil.which(name)
        if found:
            return found
    return None


def configure(source: str, listen: int, upstream: int) -> str:
    """The example with only its listen address and upstream port changed."""
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{listen};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
    ):
        if source.count(old) != 1:
            raise ValueError(f"deploy/nginx.conf should contain {old!r} exactly once")
        source = source.replace(old, new)
    return source


class Nginx:
    """nginx in the foreground, its files under ``prefix``, stopped by ``stop``."""

    def __init__(self, listen: int, upstream: int) -> None:
        # Run as root, nginx's workers drop to an unprivileged user that must reach the cache:
        # the prefix is a folder of its own under the temporary folder, readable by all.
        self.prefix = prefix = Path(tempfile.mkdtemp(prefix="plain-pcc-nginx-"))
        self.port = listen
        prefix.chmod(0o755)
        (prefix / "logs").mkdir()
        (prefix / "cache").mkdir()
        (prefix / "cache").chmod(0o777)
        self.config = prefix / "nginx.conf"
        self.config.write_text(configure(CONFIG.read_text(), listen, upstream))
        command = [binary() or "nginx", "-p", f"{prefix}/", "-c", str(self.config)]
        check = subprocess.run(
            [*command, "-e", "logs/error.log", "-t", "-q"], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx rejects the configuration:\n{check.stderr}")
        self.process = subprocess.Popen(
            [*command, "-e", "logs/error.log", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                request(self.port, "/healthz")
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not answer within 10 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def request(
    port: int, path: str, method: str = "GET", body: bytes | None = None, **headers: str
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
        response = connection.getresponse()
        return Answer(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read(),
        )
    finally:
        connection.close()


@dataclass(frozen=True)
class Expected:
    """What the site itself answers, read from its catalogue, to compare the proxy's answers."""

    page: str
    stylesheet: str
    etags: dict[tuple[str, str], str]  # (font size, coding) -> ETag
    identity: dict[str, bytes]  # font size -> page body


def check(port: int, expected: Expected) -> list[tuple[str, bool]]:
    """Each thing a cache in front of the site must get right, and whether nginx does."""
    page = expected.page
    results: list[tuple[str, bool]] = []

    def verify(name: str, test: Callable[[], bool]) -> None:
        try:
            results.append((name, bool(test())))
        except (AssertionError, KeyError, OSError, ValueError) as error:
            results.append((f"{name} ({error!r})", False))

    def etag(answer: Answer, size: str, coding: str) -> bool:
        return answer.headers.get("etag") == f'"{expected.etags[(size, coding)]}"'

    def consistent(answer: Answer) -> bool:
        """The body is the variant its ETag names: the cache did not file it under another."""
        for (size, coding), tag in expected.etags.items():
            if coding == "identity" and answer.headers.get("etag") == f'"{tag}"':
                return answer.body == expected.identity[size]
        return False

    first = request(port, page)
    second = request(port, page)
    verify(
        "page passes through with the site's headers",
        lambda: (
            first.status == 200
            and first.headers["vary"] == "Cookie, Accept-Encoding"
            and first.headers["cache-control"] == "no-cache"
            and etag(first, "normal", "identity")
            and first.body == expected.identity["normal"]
        ),
    )
    verify("a second request is a cache hit", lambda: second.headers["x-cache-status"] == "HIT")
    large = request(port, page, Cookie="font_size=large")
    verify(
        "the font_size cookie gets its own variant",
        lambda: etag(large, "large", "identity") and large.body == expected.identity["large"],
    )
    others = request(port, page, Cookie="session=x; font_size=large; theme=dark")
    verify(
        "other cookies share the variant's cache entry",
        lambda: etag(others, "large", "identity") and others.headers["x-cache-status"] == "HIT",
    )
    twice = request(port, page, Cookie="font_size=large; font_size=normal")
    verify(
        "the site and the cache agree on a repeated cookie",
        lambda: consistent(twice) and consistent(request(port, page, Cookie="font_size=large")),
    )
    bogus = request(port, page, Cookie="font_size=enormous")
    verify("an unknown value is the default", lambda: etag(bogus, "normal", "identity"))
    br = request(port, page, Accept_Encoding="gzip, deflate, br, zstd")
    verify(
        "a browser's Accept-Encoding gets brotli",
        lambda: (
            br.headers["content-encoding"] == "br"
            and etag(br, "normal", "br")
            and brotli.decompress(br.body) == expected.identity["normal"]
        ),
    )
    gz = request(port, page, Accept_Encoding="gzip")
    verify(
        "gzip alone gets gzip",
        lambda: (
            gz.headers["content-encoding"] == "gzip"
            and gzip.decompress(gz.body) == expected.identity["normal"]
        ),
    )
    refused = request(port, page, Accept_Encoding="br;q=0, gzip")
    verify(
        "q-values go to the site uncached",
        lambda: (
            refused.headers["content-encoding"] == "gzip"
            and refused.headers["x-cache-status"] == "BYPASS"
        ),
    )
    verify(
        "identity;q=0 with nothing else gets 406",
        lambda: request(port, page, Accept_Encoding="identity;q=0").status == 406,
    )
    tag = f'"{expected.etags[("normal", "identity")]}"'
    verify(
        "If-None-Match gets 304",
        lambda: (
            request(port, page, If_None_Match=tag).status == 304
            and request(port, page, If_None_Match=f"W/{tag}").status == 304
        ),
    )
    verify(
        "another variant's tag gets 200",
        lambda: request(port, page, If_None_Match=tag, Cookie="font_size=large").status == 200,
    )
    head = request(port, page, "HEAD")
    verify(
        "HEAD has the headers and no body",
        lambda: (
            head.status == 200
            and head.body == b""
            and head.headers["content-length"] == str(len(expected.identity["normal"]))
        ),
    )
    style = request(port, expected.stylesheet, Accept_Encoding="br")
    verify(
        "the stylesheet is immutable and compressed",
        lambda: (
            style.status == 200
            and style.headers["cache-control"] == "public, max-age=31536000, immutable"
            and style.headers["content-encoding"] == "br"
        ),
    )
    missing = [request(port, "/no-such-page/") for _ in range(2)]
    verify(
        "a 404 is never cached",
        lambda: all(a.status == 404 and a.headers["x-cache-status"] != "HIT" for a in missing),
    )
    form = request(
        port,
        "/preferences",
        "POST",
        b"font_size=large&return_to=%2F",
        Content_Type="application/x-www-form-urlencoded",
    )
    verify(
        "the preferences form passes through and sets the cookie",
        lambda: form.status == 303 and "font_size=large" in form.headers["set-cookie"],
    )
    return results
