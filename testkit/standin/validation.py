"""Decode raw request parameters according to their declared Bot API types, strictly.

Parameters reach the server as strings (query string, urlencoded or multipart forms,
where objects and arrays are JSON text) or as native JSON values (application/json
body). Top-level values are decoded from strings according to the declared type;
values nested inside JSON objects must already have the right JSON type.
Objects are checked deeply against the `types` section: unknown fields, missing
required fields and wrong types are all rejected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request
from .spec import LOOSE_ABSTRACTS, Entry, Spec

# Methods whose missing parameter has its own error message on the real server.
_MISSING = {("sendMessage", "text"): "message text is empty"}
_INT_RE = re.compile(r"-?\d{1,19}")
_FLOAT_RE = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


@dataclass(eq=False)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"UploadedFile({self.field!r}, {self.filename!r}, {len(self.data)} bytes)"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return f"String {value[:40]!r}"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, UploadedFile):
        return "uploaded file"
    return type(value).__name__


class Validator:
    """Validates the parameters of one request. `uploads` are its multipart file parts."""

    def __init__(self, spec: Spec, uploads: dict[str, UploadedFile] | None = None) -> None:
        self.spec = spec
        self.uploads = uploads or {}
        self.referenced: set[str] = set()

    # ----------------------------------------------------------------- entry point
    def method_params(self, method: Entry, raw: dict[str, Any]) -> dict[str, Any]:
        for key, value in raw.items():
            if key not in method.fields and not isinstance(value, UploadedFile):
                raise bad_request(f'unknown parameter "{key}"')
        out: dict[str, Any] = {}
        for f in method.fields.values():
            value = raw.get(f.name)
            if value is None or value == "":
                if f.required:
                    missing = f'parameter "{f.name}" is required'
                    raise bad_request(_MISSING.get((method.name, f.name), missing))
                continue
            out[f.name] = self.value(value, f.types, f.name, top=True)
        for name in self.uploads:
            if name not in self.referenced:
                raise bad_request(
                    f'unknown parameter "{name}" (uploaded file that is never attached)'
                )
        return out

    def check_object(self, value: Any, type_name: str, path: str) -> dict[str, Any]:
        """Validate an already decoded JSON object (used for pushed updates too)."""
        return self.value(value, (type_name,), path, top=False)

    # ----------------------------------------------------------------- generic
    def value(self, value: Any, types: tuple[str, ...] | list[str], path: str, top: bool) -> Any:
        structured = any(self._is_structured(t) for t in types)
        if top and structured and isinstance(value, str) and value[:1] in "[{":
            value = self._json(value, path)
        if len(types) > 1 and all(t.startswith("Array of ") for t in types):
            # "Array of A, B and C" (sendMediaGroup.media): each item may be any of them
            if not isinstance(value, list):
                raise self._wrong(path, " or ".join(types), value)
            inner = tuple(t[len("Array of ") :] for t in types)
            return [self.value(v, inner, f"{path}[{i}]", top=False) for i, v in enumerate(value)]
        order = list(types)
        if len(order) > 1 and isinstance(value, (dict, list)):
            order.sort(key=lambda t: self._score(value, t), reverse=True)
        errors: list[ApiError] = []
        for t in order:
            try:
                return self._one(value, t, path, top)
            except ApiError as e:
                errors.append(e)
        raise errors[0]

    def _is_structured(self, t: str) -> bool:
        return t.startswith("Array of ") or (t in self.spec.types and t != "InputFile")

    def _score(self, value: Any, t: str) -> tuple[bool, int]:
        """How well a JSON value fits a type, to try (and report errors of) the best first."""
        if t.startswith("Array of ") and isinstance(value, list):
            parts = [self._score(v, t[len("Array of ") :]) for v in value]
            return all(p[0] for p in parts), sum(p[1] for p in parts)
        entry = self.spec.types.get(t)
        if entry is None or not entry.fields or not isinstance(value, dict):
            return (False, -1000)
        keys = set(value)
        known = len(keys & set(entry.fields))
        unknown = len(keys - set(entry.fields))
        missing = sum(1 for f in entry.fields.values() if f.required and f.name not in keys)
        discriminator = self.spec.discriminator_of(t)
        mismatch = discriminator is not None and value.get(discriminator[0]) != discriminator[1]
        fits = unknown == 0 and missing == 0 and not mismatch
        return fits, known - unknown - missing - 10 * mismatch

    def _json(self, text: str, path: str) -> Any:
        try:
            return json.loads(text)
        except ValueError:
            raise bad_request(f"can't parse {path} JSON object") from None

    def _wrong(self, path: str, expected: str, value: Any) -> ApiError:
        return bad_request(f"can't parse {path}: expected {expected}, got {_kind(value)}")

    def _one(self, value: Any, t: str, path: str, top: bool) -> Any:
        if t.startswith("Array of "):
            inner = t[len("Array of ") :]
            if top and isinstance(value, str):
                value = self._json(value, path)
            if not isinstance(value, list):
                raise self._wrong(path, t, value)
            return [self.value(v, (inner,), f"{path}[{i}]", top=False) for i, v in enumerate(value)]
        if t == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if top and isinstance(value, str) and _INT_RE.fullmatch(value):
                return int(value)
            raise self._wrong(path, t, value)
        if t == "Float":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            if top and isinstance(value, str) and _FLOAT_RE.fullmatch(value):
                return float(value)
            raise self._wrong(path, t, value)
        if t == "Boolean":
            if isinstance(value, bool):
                return value
            if top and isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise self._wrong(path, "Boolean (true/false)", value)
        if t == "String":
            if top and isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            if not isinstance(value, str):
                raise self._wrong(path, t, value)
            if value.startswith("attach://") and value[9:] in self.uploads:
                self.referenced.add(value[9:])
            return value
        if t == "InputFile":
            if isinstance(value, UploadedFile):
                self.referenced.add(value.field)
                return value
            if isinstance(value, str) and value.startswith("attach://"):
                name = value[len("attach://") :]
                if name not in self.uploads:
                    raise bad_request(f'can\'t parse {path}: no file part named "{name}"')
                self.referenced.add(name)
                return self.uploads[name]
            raise self._wrong(path, t, value)
        return self._object(value, t, path, top)

    def _object(self, value: Any, t: str, path: str, top: bool) -> dict[str, Any]:
        entry = self.spec.types.get(t)
        if entry is None:
            raise bad_request(f"can't parse {path}: unknown type {t}")
        if top and isinstance(value, str):
            value = self._json(value, path)
        if not isinstance(value, dict):
            raise self._wrong(path, t, value)
        subtypes = self.spec.subtypes(t)
        if subtypes:
            return self._abstract(value, t, subtypes, path)
        if not entry.fields:  # an empty placeholder object (CallbackGame, ...)
            return dict(value)
        for key in value:
            if key not in entry.fields:
                raise bad_request(f'can\'t parse {path}: unknown field "{key}" in {t}')
        out: dict[str, Any] = {}
        for f in entry.fields.values():
            if value.get(f.name) is None:
                if f.required:
                    raise bad_request(f'can\'t parse {path}: field "{f.name}" of {t} is required')
                continue
            out[f.name] = self.value(value[f.name], f.types, f"{path}.{f.name}", top=False)
        return out

    def _abstract(self, value: dict, t: str, subtypes: list[str], path: str) -> dict[str, Any]:
        kind = value.get(self.spec.discriminator_field(t))
        matching = [s for s in subtypes if self.spec.discriminator(t, s) == kind]
        if not matching and kind is not None and t not in LOOSE_ABSTRACTS:
            raise bad_request(f'can\'t parse {path}: unsupported {t} type "{kind}"')
        candidates = matching or subtypes
        errors: list[ApiError] = []
        for sub in candidates:
            try:
                return self._object(value, sub, path, top=False)
            except ApiError as e:
                errors.append(e)
        raise errors[0]
