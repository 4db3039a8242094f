"""Jinja2 for per-environment values in definition files.

Templates are rendered with StrictUndefined: a misspelled variable is an error naming the file, never an empty
string that would reach Grafana.
"""
from __future__ import annotations

from typing import Any

import jinja2

from .errors import UserError

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


def render(text: str, where: str, context: dict[str, Any]) -> str:
    if "{{" not in text and "{%" not in text:
        return text
    try:
        return _ENV.from_string(text).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(where, f"line {exc.lineno}", f"template error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise UserError(where, "", f"template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise UserError(where, "", f"template error: {exc}") from None
