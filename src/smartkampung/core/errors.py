"""The one error type that business logic raises; the API and pages turn it into a clear answer."""

from __future__ import annotations

# How each kind of refusal maps to an HTTP status; any other code is a 400 (bad input).
HTTP_STATUS_BY_CODE = {
    "forbidden": 403,
    "not_found": 404,
    "duplicate": 409,
    "conflict": 409,
}


class DomainError(Exception):
    """A refusal with a machine code, a human message and, when it is about one input, the field."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    @property
    def http_status(self) -> int:
        return HTTP_STATUS_BY_CODE.get(self.code, 400)

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data

    def __repr__(self) -> str:
        return f"DomainError({self.code!r}, {self.message!r}, field={self.field!r})"
