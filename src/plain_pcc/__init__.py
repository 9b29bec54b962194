"""plain-pcc: an accessibility-first site server."""

__version__ = "0.1.0"
