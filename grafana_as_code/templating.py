"""Jinja2 for per-environment values in definition files.

Templates are rendered with StrictUndefined: a misspelled variable is an error naming the file, never an empty
string that would reach Grafana.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .errors import UserError


@lru_cache(maxsize=1)
def _environment() -> Any:
    """Jinja, imported when a text first needs it: a run whose project comes from its snapshot renders nothing."""
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


def render(text: str, where: str, context: dict[str, Any]) -> str:
    if "{{" not in text and "{%" not in text:
        return text
    import jinja2

    try:
        template = _environment().from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(where, _line(exc.lineno), f"template error: {exc.message}") from None
    try:
        return template.render(**context)
    except jinja2.UndefinedError as exc:
        raise UserError(where, _line(_template_line(exc)), f"template error: {exc.message}") from None
    except Exception as exc:  # noqa: BLE001 - the template is user input: `{{ a + 1 }}` on a string, a bad filter argument
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else f"{exc}"
        raise UserError(where, _line(_template_line(exc)), f"template error: {message}") from None


def _line(number: int | None) -> str:
    return f"line {number}" if number else ""


def _template_line(exc: BaseException) -> int | None:
    """The template line being rendered when ``exc`` was raised: Jinja rewrites the traceback so that the
    template's own frames carry its file name and line numbers (jinja2.debug.rewrite_traceback_stack)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _TEMPLATE_NAME:
            line = tb.tb_lineno  # the innermost template frame (a macro's line, not its caller's)
        tb = tb.tb_next
    return line


_TEMPLATE_NAME = "<template>"  # what Jinja calls a template made with from_string
