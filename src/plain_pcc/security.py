"""Security: the headers every response carries, and which requests may change a preference."""

from __future__ import annotations

from urllib.parse import urlsplit

from .settings import Settings

# Nothing is loaded from anywhere but this site, no script runs, and no one may frame a page.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# Every powerful feature the site never uses, turned off for it and anything it could embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
        "interest-cohort",
        "browsing-topics",
    )
)


# What every answer says whatever the settings: the server's own refusals (protocol.py) too.
HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def security_headers(settings: Settings) -> list[tuple[str, str]]:
    headers = list(HEADERS)
    if settings.https:
        headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    return headers


def same_site(settings: Settings, headers: dict[str, str]) -> bool:
    """Whether a form post comes from this site's own pages (OWASP: verify the origin).

    Browsers send ``Sec-Fetch-Site``; older ones send ``Origin``. A request with neither (a
    command-line client) cannot carry a visitor's cookie across sites, so it is allowed.
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    if origin == settings.base_url:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:  # "http://[::1" and the like: not an origin a browser sends
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and (parts.netloc == headers.get("host"))
    )
