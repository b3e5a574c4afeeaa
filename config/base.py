"""The base of every config model: unknown keys rejected, values frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config mapping: rejects unknown keys; defaults live on the fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
