"""Contact rules: phone, QQ and WeChat-like IDs near contact cues, across split comments.

Numbers are read in the digit view (any digit style: ⓿ ➃ ㈤ 三 肆 all become digits); a
token alone is ordinary (an order number, a price), a token with a cue in the same comment
or in the same user's recent comments is contact diversion.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from dataclasses import dataclass

# A mobile number (with or without China's country code, +86 13912345678 read as one run of
# digits) or a 400/800 service line.
PHONE = re.compile(r"(?:0{0,2}86)?1[3-9]\d{9}|[48]00\d{7}")
# Words before a number (or the code it is part of) that make it an order, tracking,
# coupon, card or staff number the buyer quotes, not a contact: 订单号后六位是889201.
ORDER_CONTEXT = re.compile(
    r"(?:订单|单号|运单|快递|物流|尾号|编号|货号|型号|条码|序号|批号|取件码|验货码|券码|优惠码"
    r"|兑换码|卡号|会员号|工号|税号|流水号|交易号)(?:后[0-9几]位)?[是为:：]?$"
)
# A price, not a contact: 价格12888, 满12000减800, ¥19900, 12999元.
PRICE_BEFORE = re.compile(r"(?:价格?|满|减|[¥￥$]|券后|合计|共计)[是为:：]?$")
PRICE_AFTER = re.compile(r"(?:元|块|rmb|减|折)")
# Cues that ask for a number only (a phone number); a Latin ID near one of these is a product
# model or an account name (vivo X100s, 手机号码; WH-1000XM5, 电话). The detector compares
# their canonical forms (call is cal). QQ's names are not here: a Latin ID after one is a QQ
# mailbox or another messenger's account (QQ:xiaomei88).
NUMBER_CUES = frozenset({"电话", "手机号", "号码", "tel", "call"})
NUMBER_CUE = 1  # a number near the cue is a contact
ID_CUE = 2  # a Latin ID near the cue is one too
# Latin words of product names: an ID holding one is a model (iPhone15ProMax, mate60).
PRODUCT_WORD = re.compile(
    r"iphone|ipad|airpods|watch|pro|max|plus|mini|ultra|lite|mate|nova|vivo|oppo|redmi|galaxy"
    r"|note|slim|detect|xbox|switch|macbook|surface|gt[0-9]"
)
_DIGIT_LETTERS = str.maketrans("lio", "110")  # letters typed for digits (the view is lower case)
# Letters typed for digits inside a number (l3B2O47б59O: l and i for 1, o for 0, B for 8,
# S for 5, Z for 2; the fold already reads Cyrillic б and З as 6 and 3). A run of digits and
# such letters is read as digits when it is seven long or more (a phone or QQ number, not
# 100l or 5oo) and its digits outnumber its letters or it reads as a whole mobile number
# (I39OOI38OOO);
# a cue glued before it (qq762o9l835) is no part of it when the run starts with a digit,
# and the same after it.
_LOOKALIKE_DIGITS = str.maketrans("liobsz", "110852")
_MIXED_HINT = re.compile(r"[0-9][liobsz]|[liobsz][0-9]")
_MIXED_RUN = re.compile(
    r"(?:(?<![a-z0-9])|(?<=[a-z])(?<![liobsz])(?=[0-9]))[0-9liobsz]{7,20}"
    r"(?:(?![a-z0-9])|(?<=[0-9])(?![0-9liobsz]))"
)
_RUN_START = re.compile(r"[a-z0-9]+$")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_PREFIXED_NUMBER = re.compile(r"[a-z]{1,8}[0-9]{5,}")
_TLD = (
    "com|cn|net|org|top|xyz|vip|shop|store|site|club|link|info|io|me|cc|tv|ly|to|gl|app|co"
    "|biz|wang|ink|fun|online|live|tk|la|im|gd|su|one|icu|cloud|work|ltd|life|cyou|buzz|asia"
    # the common ones typed with spaces between the letters (.c o m)
    r"|c\s?o\s?m|n\s?e\s?t|t\s?o\s?p"
)
# A URL, a bare domain, a short link; the dot may be typed as 。．点 or 'dot' to evade, also
# in brackets (abc(点)top, abc[.]com).
LINK = re.compile(
    r"(?:https?://|w\s?w\s?w\s?[.。．]\s?)[^\s，,。]+"
    r"|[a-z0-9._-]+@[a-z0-9-]+\.[a-z]{2,}"
    rf"|(?<![a-z0-9@.-])[a-z0-9][a-z0-9-]{{0,62}}(?:[.。．][a-z0-9][a-z0-9-]{{0,62}})*?"
    r"\s?[(（\[【]?\s?(?:[.。．点]|dot)\s?[)）\]】]?\s?"
    rf"(?:{_TLD})(?![a-z0-9])(?:/[\x21-\x7e]*)?",
    re.IGNORECASE,
)
# An IP address typed to reach a site (访问 45.76.12.209): four numbers up to 255, with a
# port or a path; at least seven digits, so a list (1.2.3.4号链接) is none.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IP_ADDRESS = re.compile(
    rf"(?<![0-9.。．])(?:{_OCTET}[.。．]){{3}}{_OCTET}(?![0-9]|[.。．][0-9])"
    r"(?::[0-9]{2,5})?(?:/[\x21-\x7e]*)?"
)
# A router's or a local address (192.168.1.1 登不上) and a netmask are no site.
_LOCAL_ADDRESS = re.compile(
    r"(?:192[.。．]168|10|127|172[.。．](?:1[6-9]|2[0-9]|3[01])|255|0)[.。．]"
)


# A share code (淘口令): a run of letters and digits between two currency signs (¥Kx8Jd2mQpL¥,
# €AbC12dEf9€) that another app opens when it is copied. Its letters mix case or digits; a
# price (¥199) is no code.
_CURRENCY = "¥￥$€£₤₳¢₴₰₱₲"
SHARE_CODE = re.compile(rf"[{_CURRENCY}]\s?([A-Za-z0-9]{{8,16}})\s?[{_CURRENCY}]")


def _mixed(code: str) -> bool:
    """Return True when a code mixes at least two of upper case, lower case and digits."""
    kinds = (
        any(c.isupper() for c in code)
        + any(c.islower() for c in code)
        + any(c.isdigit() for c in code)
    )
    return kinds >= 2


# An invitation to add someone's messenger, said with words between the verb and the channel
# (加一下我们助理的微信, 添加客服的私人微信, 加个店长vx): the lexicon holds the adjacent forms.
INVITE = re.compile(
    "(?:加|添加)(?:一下|一个|个|下|上)?(?:我们|咱们|我|我们家|店里|主播|他|她)?的?"
    "(?:助理|小助理|助手|小助手|客服|专属客服|老师|经理|店长|老板|运营|小姐姐|小哥哥|管家|顾问"
    "|同事|工作人员|小编|主理人)?的?(?:私人|个人|工作|专属|私)?"
    "(?:微信|vx|wx|v信|薇信|威信|微信号|企鹅|qq|扣扣|手机号|电话|联系方式)"
)


def mend_digits(digits: str) -> str:
    """Return a digit view with the letters typed for digits inside a number read as digits
    (l5O66l28347 -> 15066128347); same length, so spans do not move."""
    if _MIXED_HINT.search(digits) is None:
        return digits  # nearly every text: no letter next to a digit
    parts: list[str] = []
    at = 0
    for m in _MIXED_RUN.finditer(digits):
        run = m.group()
        letters = sum(not c.isdigit() for c in run)
        mended = run.translate(_LOOKALIKE_DIGITS)
        if letters > 0 and (letters < len(run) - letters or PHONE.fullmatch(mended)):
            parts += (digits[at : m.start()], mended)
            at = m.end()
    return "".join(parts) + digits[at:] if parts else digits


# A WeChat-style ID with underscores and no digit (tea_lao_wang): near a cue for an account
# it is the account; the digit view loses the underscores, so the text itself is read.
UNDERSCORE_ID = re.compile(
    r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![A-Za-z0-9])"
)


@dataclass(frozen=True, slots=True)
class ContactToken:
    """A number or ID found in the digit view: its kind and base-view span."""

    kind: str  # phone | qq | number | id
    value: str
    start: int
    end: int


_LINK_HINT = re.compile(rf"[.。．@点/{_CURRENCY}]|dot", re.IGNORECASE)


def links(text: str) -> list[tuple[str, int, int]]:
    """Return the URLs, domains, short links and share codes in a text, with their spans."""
    if _LINK_HINT.search(text) is None:
        return []  # no dot, @, slash or currency sign: most comments with a digit or a letter
    out = [(m.group(), m.start(), m.end()) for m in SHARE_CODE.finditer(text) if _mixed(m.group(1))]
    for m in LINK.finditer(text):
        value = m.group()
        if value[0].isdigit() and not any(c.isalpha() and c.isascii() for c in value[:-3]):
            continue  # 3点cn is a time of day, 3.com nobody types
        out.append((value, m.start(), m.end()))
    if "." not in text and "。" not in text and "．" not in text:
        return out  # 点 and the other hints: no IP address
    for m in IP_ADDRESS.finditer(text):
        address = m.group().partition(":")[0].partition("/")[0]
        if sum(c.isdigit() for c in address) >= 7 and not _LOCAL_ADDRESS.match(address):
            out.append((m.group(), m.start(), m.end()))
    return out


# A mobile number spelled in pinyin numerals (yao wu jiu er ba san ...), the phone's own
# readings included (yao for 1, dong for 0, guai for 7, gou for 9): a run of 11 or more.
_PINYIN_DIGITS = {
    "ling": "0", "dong": "0", "yao": "1", "yi": "1", "er": "2", "liang": "2", "san": "3",
    "si": "4", "wu": "5", "liu": "6", "qi": "7", "guai": "7", "ba": "8", "jiu": "9", "gou": "9",
}  # fmt: skip
_PINYIN_DIGIT = "|".join(_PINYIN_DIGITS)
_SPELLED_RUN = re.compile(
    rf"(?<![a-z])(?:(?:{_PINYIN_DIGIT})[\s,，.。、-]*){{11,}}(?![a-z])", re.IGNORECASE
)
_SYLLABLE = re.compile(_PINYIN_DIGIT, re.IGNORECASE)


def spelled_phones(text: str) -> list[tuple[str, int, int]]:
    """Return the mobile numbers spelled in pinyin numerals in a text, with their spans."""
    out = []
    for m in _SPELLED_RUN.finditer(text):
        digits = "".join(_PINYIN_DIGITS[s.lower()] for s in _SYLLABLE.findall(m.group()))
        if PHONE.search(digits) is not None:
            out.append((digits, m.start(), m.end()))
    return out


class ContactRules:
    """Find number and ID tokens in a digit view."""

    def __init__(self, min_digits: int = 5, max_digits: int = 20, id_min_len: int = 6) -> None:
        self._token = re.compile(
            rf"(?<![0-9])[0-9]{{{min_digits},{max_digits}}}(?![0-9])"
            rf"|(?<![a-z0-9])[a-z][a-z0-9]{{{id_min_len - 1},19}}(?![a-z0-9])"
        )
        self._quick = re.compile(rf"[0-9]{{{min_digits}}}|[a-z][a-z0-9]{{{id_min_len - 1}}}")

    def maybe(self, digits: str) -> bool:
        """Return True when the digit view could hold a token (cheap pre-check)."""
        return self._quick.search(digits) is not None

    def tokens(self, digits: str) -> list[ContactToken]:
        """Return the number and ID tokens of a digit view."""
        out = []
        for m in self._token.finditer(digits):
            value = m.group()
            if len(set(value)) == 1:
                continue  # 扣666666 and 11111 are cheers and votes, not numbers
            # The code a token is part of starts where its run of letters and digits does
            # (91310000MA1FL12345 after 税号 is one code, however the tokens split it).
            run = _RUN_START.search(digits, max(0, m.start() - 20), m.start())
            start = run.start() if run is not None and run.group()[0].isdigit() else m.start()
            if ORDER_CONTEXT.search(digits, max(0, start - 10), start):
                continue  # an order, tracking, coupon or staff number the buyer quotes
            if value[0].isdigit():
                phone = PHONE.fullmatch(value) is not None
                if PRICE_AFTER.match(digits, m.end()) or (
                    not phone and PRICE_BEFORE.search(digits, max(0, start - 4), start)
                ):
                    continue  # a price (a mobile number after 价 or 减 is no price: 减20加我138…)
                kind = "phone" if phone else "qq" if len(value) <= 11 else "number"
            elif PHONE.fullmatch(value.translate(_DIGIT_LETTERS)):
                kind = "phone"  # l38O2l69457: a mobile number with l and o for 1 and 0
            elif not any(c.isdigit() for c in value):
                continue  # a plain Latin word (hello, iphone) is not an ID
            elif PRODUCT_WORD.search(value):
                continue  # a product model (iphone15promax), not an account
            elif _PREFIXED_NUMBER.fullmatch(value):
                # A number glued to letters (koukou12345678, qq12345678); a whole mobile
                # number stays one (dianhua13524687902).
                kind = "phone" if PHONE.fullmatch(value.lstrip(_LETTERS)) else "number"
            else:
                kind = "id"
            out.append(ContactToken(kind, value, m.start(), m.end()))
        return out


@dataclass(slots=True)
class _Entry:
    ts: float
    digits: str
    cue: int  # NUMBER_CUE | ID_CUE flags


class UserWindow:
    """The last few digit views of each user, to join a contact split over comments."""

    def __init__(self, messages: int = 6, seconds: float = 60.0, max_users: int = 50_000) -> None:
        self._messages = messages
        self._seconds = seconds
        self._max_users = max_users
        self._users: OrderedDict[str, deque[_Entry]] = OrderedDict()

    def join(self, user: str, ts: float, digits: str, cue: int) -> tuple[str, int, int]:
        """Add a comment; return (joined recent digit views, their cue flags, where it starts)."""
        entries = self._users.get(user)
        if entries is None:
            entries = deque(maxlen=self._messages)
            self._users[user] = entries
            if len(self._users) > self._max_users:
                self._users.popitem(last=False)  # evict the least recently active user
        else:
            self._users.move_to_end(user)
        while entries and (ts - entries[0].ts > self._seconds or entries[0].ts > ts):
            entries.popleft()
        prefix = "".join(e.digits for e in entries)
        any_cue = cue
        for e in entries:
            any_cue |= e.cue
        entries.append(_Entry(ts, digits, cue))
        return prefix + digits, any_cue, len(prefix)

    def __len__(self) -> int:
        return len(self._users)
