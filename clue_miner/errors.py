"""One base exception with a short code, so callers can branch on ``err.code``."""

from __future__ import annotations


class ClueMinerError(Exception):
    """Base error. ``code`` is a short English identifier, ``str(err)`` a readable message."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class InputError(ClueMinerError):
    """A file or value given by the user cannot be used (unknown format, missing column …)."""

    code = "bad_input"


class ConfigError(ClueMinerError):
    """A setting, threshold table or mapping is invalid."""

    code = "bad_config"


class ModelError(ClueMinerError):
    """A model directory is missing, incomplete or of the wrong kind."""

    code = "bad_model"
