"""Types of the compiled inner loops of detection (monitor/detect/_native.c)."""

from collections.abc import Iterable

from monitor.detect.normalize import Views

API: int

class NgramTable:
    def __init__(self, weights: dict[str, float], bias: float = 0.0) -> None: ...
    def sum(self, text: str) -> float: ...
    def logit(self, text: str) -> float: ...
    def stored(self) -> int: ...

class Folder:
    def __init__(
        self,
        entries: dict[int, int | str | None],
        deleted: Iterable[tuple[int, int]],
        pinyin: dict[int, int],
        views_type: type[Views],
        marks: dict[int, int] | None = None,
    ) -> None: ...
    def views(self, text: str) -> Views: ...
    def offsets(self, text: str) -> list[int] | None: ...
