"""Reading a Web API request the way Slack does: query, form, multipart or JSON; token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from devkit.standin.errors import SlackError, missing_field
from devkit.standin.models import JSON

_TRUE = {"1", "true", "yes", "on"}


@dataclass
class ApiRequest:
    """A parsed API call: its arguments and the token it carried (if any)."""

    args: JSON
    token: str | None


def parse_api_request(environ: dict[str, Any], body: bytes) -> ApiRequest:
    """Arguments from the query string and body, and the token from header or arguments."""
    args: JSON = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    content_type = environ.get("CONTENT_TYPE", "") or ""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if body:
        if media_type == "application/json":
            args.update(_json_body(body))
        elif media_type == "multipart/form-data":
            args.update(multipart_fields(content_type, body))
        else:
            args.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    token = args.pop("token", None)
    header = environ.get("HTTP_AUTHORIZATION", "") or ""
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
    return ApiRequest(args={k: v for k, v in args.items() if v is not None}, token=token or None)


def _json_body(body: bytes) -> JSON:
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SlackError("invalid_json") from exc
    if not isinstance(value, dict):
        raise SlackError("json_not_object")
    return value


def multipart_fields(content_type: str, body: bytes) -> JSON:
    """The fields of a multipart/form-data body (file parts as bytes)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise SlackError("invalid_form_data")
    fields: JSON = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            is_file = part.get_filename() is not None
            fields[name] = payload if is_file else payload.decode("utf-8", "replace")
    return fields


class Args:
    """Typed access to a call's arguments; empty strings count as missing, as in Slack."""

    def __init__(self, values: JSON) -> None:
        self.values = values

    def get(self, name: str) -> Any:
        """The raw value, or None when absent or empty."""
        value = self.values.get(name)
        return None if value == "" else value

    def string(self, name: str) -> str | None:
        """The value as a string, or None."""
        value = self.get(name)
        return None if value is None else str(value)

    def require(self, name: str, error: str | None = None) -> str:
        """The value as a string, else `error` (default: ``invalid_arguments``)."""
        value = self.string(name)
        if value is None:
            raise SlackError(error) if error else missing_field(name)
        return value

    def flag(self, name: str) -> bool:
        """The value read as a Slack boolean (``1``/``true``)."""
        value = self.get(name)
        if isinstance(value, bool):
            return value
        return value is not None and str(value).strip().lower() in _TRUE

    def integer(self, name: str, default: int, *, error: str = "invalid_arguments") -> int:
        """The value as an integer, `default` when absent, else `error`."""
        value = self.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise SlackError(error) from exc
