"""Detection configuration: lexicon categories, allowlists, contact rules and sentiment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from config.base import Section

EventScope = Literal["comment", "speech", "title"]
Action = Literal["delete", "mute", "reply", "warn", "review", "report"]
CATEGORY_ID = r"^[a-z][a-z0-9_]{0,39}$"


def _all_scopes() -> list[EventScope]:
    return ["comment", "speech", "title"]


def _default_actions() -> list[Action]:
    return ["delete", "mute"]


class KeywordCategory(Section):
    """One sensitive category: its word lists, severity, scope and allowed actions."""

    id: str = Field(pattern=CATEGORY_ID)
    name: str = ""
    severity: str = Field("warning", pattern="^(info|warning|critical)$")
    files: list[str] = Field(default_factory=list)  # relative to detection.lexicon_dir
    terms: list[str] = Field(default_factory=list)  # inline extras
    applies_to: list[EventScope] = Field(default_factory=lambda: _all_scopes())
    actions: list[Action] = Field(default_factory=lambda: _default_actions())
    homophones: bool = False  # also match through the pinyin view (薇信 -> 微信)
    # With homophones: two-character terms are heard by sound too (伟歌 for 伟哥, 堵博 for 赌博),
    # not only those of three or more or marked '~'; such a sound-alike counts only where it
    # stands alone (no dictionary word holds it or straddles it, no common function character).
    short_homophones: bool = False
    contact: bool = False  # numbers and IDs near contact cues are reported in this category
    # Terms count only when used as claims (advertising law: 最 before an adjective, not
    # 最喜欢 or 最后; 第一 after 销量, not 第一个 or 第一时间).
    claims_only: bool = False
    # A term right after a negator (不能治病, 不要私下转账, 不用付邮费) or in a clause that warns
    # about it (让你加微信的都是骗子) is not said, and a pair asked about (退款是原路返回还是
    # 转账) is a question, not the pitch.
    negation: bool = False
    # Insults: one the writer aims at themself (我就是个穷鬼, 我这个废物) is self-mockery.
    insults: bool = False
    # Goods asked for: a question that opens or ends with the request (整条的香烟有吗, 谁有)
    # asks to buy them, so a pair in it still counts (with negation alone it is a question;
    # 是不是高仿 and 需要处方吗 still are).
    requests: bool = False

    @model_validator(mode="after")
    def _has_scope(self) -> KeywordCategory:
        if not self.applies_to:
            raise ValueError("applies_to must name at least one of comment, speech, title")
        if self.short_homophones and not self.homophones:
            raise ValueError("short_homophones needs homophones: true (it widens sound matching)")
        return self


class ContactConfig(Section):
    """Contact rules: number and ID tokens flagged when a contact cue is near."""

    cue_files: list[str] = Field(default_factory=lambda: ["contact_cues.txt"])
    cues: list[str] = Field(default_factory=list)
    min_digits: int = Field(5, ge=4, le=12)
    max_digits: int = Field(20, ge=5, le=40)
    id_min_len: int = Field(6, ge=4, le=20)


class WindowConfig(Section):
    """The per-user window that joins one message split over several comments."""

    messages: int = Field(6, ge=1, le=50)
    seconds: float = Field(60.0, gt=0, le=3600)
    max_users: int = Field(50_000, ge=100, le=10_000_000)


class SentimentConfig(Section):
    """Negative sentiment: the complaint lexicon and the classifier's threshold."""

    complaint_files: list[str] = Field(default_factory=lambda: ["complaints.tsv"])
    threshold: float = Field(0.5, gt=0, lt=1)
    model: str = ""  # weights file; empty = the shipped model
    enabled: bool = True
    # Spam is not a customer's sentiment: a comment hit in one of these categories is
    # negative only through the complaint lexicon, never through the model alone.
    spam_categories: list[str] = Field(
        default_factory=lambda: ["contact_diversion", "fraud", "prohibited"]
    )


class ClassifierConfig(Section):
    """The learned second opinion on texts no rule flagged (monitor/detect/classifier.py).

    Off unless a config turns it on (the shipped configs do): a deployment with its own
    categories opts in knowingly, since the shipped model knows only the shipped ones."""

    enabled: bool = False
    # Probability past which a text the rules left clean is flagged; cross-validated on the
    # development sets (docs/detection.md): lower catches more and flags more clean text.
    threshold: float = Field(0.95, ge=0.5, lt=1)
    file: str = ""  # weights file; empty = the shipped model
    # The categories the model may flag (empty: every one).
    categories: list[str] = Field(default_factory=list)
    # A category listed here is flagged past its own probability instead of `threshold`. The
    # shipped configs judge contact diversion only past 0.998: its cues and numbers are exact
    # rules, and the model's guesses below that were short cue-like texts (扣我, call 1234…)
    # more often than contacts (docs/detection.md has the cross-validated figures).
    category_thresholds: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _thresholds_in_range(self) -> ClassifierConfig:
        for category, threshold in self.category_thresholds.items():
            if not 0.5 <= threshold < 1:
                raise ValueError(f"category_thresholds.{category}: {threshold} is not in [0.5, 1)")
            if self.categories and category not in self.categories:
                raise ValueError(f"category_thresholds.{category}: not among categories")
        return self


Platform = Literal["douyin", "bilibili", "tiktok", "kuaishou", "inhouse", "simulated"]


def _own_platform_terms() -> dict[Platform, list[str]]:
    return {
        "douyin": ["抖音", "某音", "斗音", "dy", "抖店"],
        "kuaishou": ["快手", "某手", "快手小店"],
        "bilibili": ["b站", "哔哩哔哩", "bilibili"],
        "tiktok": ["tiktok", "tt"],
    }


def _named_platforms() -> list[str]:
    return [
        "淘宝", "淘寶", "天猫", "天貓", "拼多多", "京东", "京東", "抖音", "快手", "小红书",
        "小紅書", "闲鱼", "閒魚", "微店", "得物", "唯品会", "唯品會", "唯品", "视频号", "視頻號",
        "b站", "哔哩哔哩", "嗶哩嗶哩", "bilibili", "聚划算", "手淘", "点淘", "淘特", "苏宁易购",
        "考拉海购",
        "蘑菇街", "有赞", "京喜", "快团团", "tiktok", "temu", "希音", "shein", "shopee", "虾皮",
        "蝦皮", "facebook", "instagram", "亚马逊", "当当", "美团", "饿了么",
        "知乎", "微博", "盒马", "美团优选", "抖店",
        # their common nicknames, which viewers use as plainly as the names (以前总在pdd买衣服)
        "某宝", "淘某", "某猫", "猫超", "某东", "狗东", "某多多", "某夕夕", "拼夕夕", "夕夕",
        "多多", "pdd", "tb", "jd", "小破站", "某音", "某手", "某书", "红书", "小红薯", "某鱼",
        "小黄鱼", "dy", "ks", "某品会",
        # the other platform, shop or account, unnamed, and the brand's own channels
        "其他平台", "别的平台", "另一个平台", "另外一个平台", "外平台", "别的店铺", "其他店铺",
        "另一个号", "另外一个号", "官网", "实体店",
    ]  # fmt: skip


class DetectionConfig(Section):
    """Everything the detector reads; lexicon files are reloaded when they change."""

    lexicon_dir: str = ""  # relative to the config file; empty = the shipped config/lexicons
    reload_interval: float = Field(2.0, ge=0, le=3600)  # 0 = never poll for changes
    categories: list[KeywordCategory] = Field(default_factory=list)
    allowlist_files: list[str] = Field(default_factory=list)
    allowlist: list[str] = Field(default_factory=list)
    contact: ContactConfig = ContactConfig()
    window: WindowConfig = WindowConfig()
    sentiment: SentimentConfig = SentimentConfig()
    classifier: ClassifierConfig = ClassifierConfig()
    negative_terms: list[str] = Field(default_factory=list)  # extra complaint terms
    # Contact-diversion terms that name a room's own platform (rooms[].platform): in that
    # platform's rooms they are ordinary talk (抖音商城 in a Douyin room), elsewhere diversion.
    own_platform_terms: dict[Platform, list[str]] = Field(default_factory=_own_platform_terms)
    # Platforms as they are named plainly, by name or common nickname (any case, full or half
    # width, simplified or traditional script): a contact-diversion hit typed so counts only
    # when the text sends someone there (去淘宝搜, 京东那边更便宜, 我们拼多多店铺), not where a
    # viewer bought or saw something (在淘宝买过, 小红书上好多人推). Spelled any other way
    # (淘.宝, 逗音, taobao, 🍑宝, a split over comments) the name is an evasion and counts as typed.
    named_platforms: list[str] = Field(default_factory=_named_platforms)

    @model_validator(mode="after")
    def _unique_categories(self) -> DetectionConfig:
        seen: set[str] = set()
        for cat in self.categories:
            if cat.id in seen:
                raise ValueError(f"duplicate category id {cat.id!r}")
            seen.add(cat.id)
        judged = set(self.classifier.categories) | set(self.classifier.category_thresholds)
        for category in sorted(judged - seen):
            raise ValueError(f"classifier: unknown category {category!r}")
        return self

    def lexicon_path(self, base_dir: Path) -> Path:
        """Return the directory lexicon files are read from."""
        if not self.lexicon_dir:
            return Path(__file__).resolve().parent / "lexicons"
        path = Path(self.lexicon_dir)
        return path if path.is_absolute() else base_dir / path
