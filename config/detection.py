"""Detection configuration: lexicons, allowlists and sentiment."""

from __future__ import annotations

from pydantic import Field

from config.base import Section


class KeywordCategory(Section):
    id: str
    severity: str = Field("warning", pattern="^(info|warning|critical)$")
    terms: list[str] = Field(default_factory=list)


class DetectionConfig(Section):
    categories: list[KeywordCategory] = Field(default_factory=list)
    negative_terms: list[str] = Field(default_factory=list)
