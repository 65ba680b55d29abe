"""The layouts of SPEC/exchange.md; importing this package registers them all."""

from fupin.exchange.layouts import assist, roster  # noqa: F401
