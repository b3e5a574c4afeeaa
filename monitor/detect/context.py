"""Context checks on the few comments that hit: word boundaries and advertising-law claims.

A term found inside or across ordinary words (刷单 in 牙刷单卖, 去死 in 去死皮, 加微 in
加微辣) is a look-alike, not the term: the text is segmented with jieba's dictionary
(jieba-rs, without its HMM guesses, so only dictionary words count) and a hit that a
dictionary word straddles or strictly contains is dropped, unless that word is itself a
listed term (加微信 under 微信号). Segmentation runs only for texts with a hit.

Advertising-law terms count only as claims: 最 as an adverb before a verb (最喜欢), in
set phrases (最后, 最起码, 最好 + a verb: 'had better'), 第一 as an ordinal (第一个,
第一时间, 第一排) are not claims.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

import rjieba

from monitor.detect.gate import present

# jieba's tags for place, person, organisation and other proper names.
PROPER_NAMES = frozenset({"ns", "nr", "nrt", "nrfg", "nt", "nz"})
ORDINARY_FREQ = 2000  # a common word's count in jieba's dictionary
# Characters that make grammar, not meaning: a dictionary word that straddles a hit only
# through them (不去 across 去死 in 不去死) says nothing about the hit.
FUNCTION_CHARS = frozenset(
    "的地得了着过是在有不没也都就还又再才很太更最把被让给对从向到跟和与及或而且吗呢吧啊呀"
    "哦嗯么我你他她它们这那个些一"
)
# What follows 最好 when it means 'had better' rather than 'the best'.
_CLAIM_AFTER_ZUIHAO = frozenset("的用吃看穿喝闻卖听玩")
_CLAIM_BEFORE_DIYI = (
    "销量",
    "全网",
    "行业",
    "全国",
    "全球",
    "世界",
    "中国",
    "国内",
    "排名",
    "业内",
    "市场",
    "同类",
    "品类",
    "亚洲",
    "天下",
    "宇宙",
    "绝对",
    "真正",
    "公认",
)
# Words after 最 that make a claim though jieba does not tag them adjectives.
_CLAIM_AFTER_ZUI = ("权威", "安全", "有效", "专业", "正宗", "先进", "高端", "优质", "顶级", "齐全")
_CLAIM_AFTER_DIYI = ("品牌", "名", "家", "好", "大", "的品", "款爆", "选择")
# 第一名 of a draw (第一名中奖的是…) and 第一家 shop (第一家店) are ordinals.
_ORDINAL_AFTER_DIYI = (
    "名中",
    "名幸",
    "名拍",
    "名下单",
    "名抢",
    "名的宝宝",
    "名的家人",
    "家店",
    "家门店",
)
# A comparison among the shop's own goods (这三个颜色里白色最百搭, 我们家最便宜的这款), unless
# the market is named (全网, 行业).
_OWN_SCOPE = re.compile(
    "我们店|我们家|店里|我家|直播间里|这几|这两|这三|这四|这些|里面|当中|之中|其中|颜色里|款里"
    # the product's own settings (四个档位，第一档最轻)
    "|[0-9一二三四五六七八九十]档|[0-9一二三四五六七八九十]挡|档位里"
)
_MARKET_SCOPE = re.compile("全网|全国|行业|市场|世界|全球|同类|天下|网上|所有品牌|别家|外面")
_OWN_OPTION_AFTER = re.compile("的?(?:颜色|色|尺码|码|链接|款式)")
# Qualities that rank over the market whoever says them: 我们家的蜂蜜最纯正 is a claim.
_MARKET_QUALITIES = ("正宗", "纯正", "地道", "权威", "原生态", "正品")
_PERSON = frozenset("我你他她咱")
_NOT_BEFORE = re.compile("不是[^，,。！!？?；;\\s]{0,4}$")
# Measure words after 唯一(一): 唯一一个, 唯一一次 (the collapsed view reads 唯一个).
_COUNTERS = frozenset("个次件单波场条")
WEAK_AD_TERMS = frozenset({"最", "最好", "第一", "唯一", "首个", "首选", "顶级", "首家"})
SET_PHRASES = (
    "最后",
    "最近",
    "最终",
    "最初",
    "最起码",
    "最主要",
    "最多",
    "最少",
    "最早",
    "最晚",
    "最快",
    "最迟",
    "最好是",
    "最好先",
    "最好的办法是先",
    "最好的办法就是先",
    "最好的方法是先",
    "最好的方法就是先",
    "最新款",
    "最好的朋友",
    "最好的闺蜜",
    "最好的姐妹",
    "最好的兄弟",
    "第一时间",
    "唯一要",
    "唯一的缺点",
    "唯一不足",
    # what the host says of the product itself, not over the market (最大的特点就是保温时间长)
    "最大的特点",
    "最大的优点",
    "最大的亮点",
    "最大的区别",
    "最大的不同",
    "最大的好处",
    "最大的卖点",
    "最大的感受",
    # advice and set phrases (最好的保养就是经常佩戴, 母乳是宝宝最好的食物)
    "最好的保养",
    "最好的食物",
    "最好的吃法",
    "最好的泡法",
    "最好的喝法",
    "最好的储存",
)


# A negator right before a term, at most a light verb between: 不能治病, 不用付邮费, 不会私下
# 联系, 没有特效药, 别私聊我. Not 不 alone (不加微信也行 is still the cue) nor 无 (无抵押 is a
# term).
_NEGATOR = re.compile(
    "(?<![有是会能要可用])(?:不要|不用|不会|不能|不可以|不可|不搞|不做|不需要|不需|不必|不准|不许|不支持|不接受|不提供"
    "|不收|不卖|不售|不出售|不是|没有|没|别|无需|禁止|严禁|拒绝|谨防|杜绝|远离|并非|不去|不会去|不让|不允许"
    "|不说|不敢说|不能说|不敢讲|不吹|不敢保证|不能保证|不保证|不承诺|不能承诺|不加任何"
    # a claim the host declines to make (我不敢说它是最好的)
    "|(?:不敢说|不能说|不敢讲|不会说)(?:它|这个|这款|我们|咱们|咱家|自己|自家)?(?:就)?[是能])"
    "(?:[付交搞做去再用给要收走加进找]|在(?:直播间|这里|评论区)里?|在这里?[留发加]|[付交给加进找]?任何(?:人的?)?"
    # anywhere at all (不会在任何地方私信你, 不要加任何私人微信)
    "|在?任何(?:地方|平台|渠道|时候|情况下)|私自|私下|随便|[去用找加]?(?:什么|啥)"
    "|相信(?:什么|任何|所谓的?)?|全网|全国|行业|市面上|真的?"
    # who would be told to (官方客服不会让你加QQ, 我们不会叫你转账)
    "|(?:[让叫要]你|[让叫]大家|要求你)[付交做去用给收加进找转]?)?$"
)
# How far back a negation can start: a four-character negator and 相信所谓的 (不敢保证相信所谓的).
_NEGATION_REACH = 9
# What 最好用 is followed by when it tells how to use a thing: a temperature or an amount.
_HOW_TO_USE = frozenset("0123456789一二两三四五六七八九十几半温开冷热凉清淡小大")
# Verbs after 最好 that advise (最好穿厚一点, 最好放冰箱) unless the sentence ends or 的/了
# follows (最好穿的, 这个最好吃了).
_ADVISED = frozenset("穿用吃喝放选买泡洗存")
_CLAIM_END = frozenset("的了啊呀吧")
# A viewer's question the host repeats before answering it (有宝宝问能不能治湿疹，我们是衣服);
# read in the collapsed view, where 宝宝 is 宝.
_ASKED_BEFORE = re.compile(
    "(?:有宝宝?|有人|有家人|有姐妹|有朋友|有粉丝)问(?:能不能|能|可以|可不可以)"
    "|(?:很多|好多|不少|有些|有的)[^，,。！!？?\\s]{0,4}问(?:我们?)?(?:是不是|能不能|能|可以|有没有)"
)
# Verbs that 不 alone negates at the start of a term: selling (不卖高仿), sending or
# handing over (验证码一直不发给我 is a complaint, not 验证码…发给我), trading privately
# and pulling into groups (不私下交易, 不拉群), a power denied (不能治病 read as 不|能治), fake
# orders and reviews not bought (这家不刷单).
_SELLING = frozenset("卖售发给私拉能刷")
# A clause that warns about a scam: it names the scam and what the scammer tells you.
_WARNING = re.compile(
    "骗子|诈骗|骗局|骗人的|不要相信|别相信|不要信|别信|谨防|警惕|当心|举报|千万不要|千万别"
)
_TOLD = re.compile("让你|叫你|要你|骗你|说你|找你|诱导")
_CLAUSE_MARK = re.compile(r"[，,。！!？?；;\n]")
# A comment that asks: ends with a question particle, mark or 'how do I' (逾期了怎么办), or
# weighs two options.
_ASKS = re.compile(r"(?:吗|呢|么|嘛|怎么[办弄样领查退]|咋办|[?？])[\s~～。.!！]*$|还是")
# A specification, not a rank over the market: 最高耐热八十度, 最大承重两百斤, 续航最长十二小时
# (最 + a dimension, then what is measured or a number with a physical unit; a price is no unit).
_SPEC_AFTER_ZUI = re.compile(
    "[高低大小长短重轻快慢宽窄厚薄深浅远近](?:可达|能达到|能到|可以到|支持|耐热|耐温|承重|载重|负重"
    "|续航|温度|功率|转速|容量|亮度|速度|时速|风速|档位|能承受"
    "|[^，,。！!？?；;\\s]{0,4}?[0-9零〇一二两三四五六七八九十百千万]+(?:多|余)?个?"
    "(?:度|°|℃|斤|公斤|千克|克|吨|米|厘米|毫米|公里|瓦|千瓦|伏|毫安|安|升|毫升|小时|分钟|秒|帧|赫兹"
    "|寸|英寸|层|档|倍|级|人|年|天))"
    # the largest or smallest size on offer (最大的尺码是三个叉, 最小码是S)
    "|[大小]的?(?:尺码|码数|码|号|尺寸|规格|型号)|[大小](?:到|能穿到|可以穿到|穿到)"
)
# Medical advice, not a claim: 降血糖要听医生的.
# Not after 不用 or 不需要: 再也不用看医生 promises the doctor is no longer needed.
_MEDICAL_ADVICE = re.compile(
    "(?<!不用)(?<!不需要)(?<!不用去)(?<!不需要去)(?:听医生|问医生|咨询医生|看医生|遵医嘱|遵照医嘱|去医院)"
)


# A refusal right after a term (微信转账我们不支持), or a verdict on it (刷单是违法的).
_REFUSED_AFTER = re.compile(
    "(?:我们|我|这里|都)?(?:不支持|不接受|不允许|不可以|不提供|不做|不会用|我不会|违法|犯法|都是骗"
    "|没保障|没有保障|不安全|有风险|不靠谱"
    # the host answering a viewer's question with a no (能不能加微信，不能哦)
    "|[，,]?\\s?(?:不能|不可以|不行|不加)(?:哦|呢|哈|喔|呀)"
    # the host saying the shop does not (我们这边是不加的), a claim not made (最低的我不敢说)
    "|(?:我们|我们这边|这边|咱们)?是?不加的|的?(?:我|我们)?不敢(?:说|保证|讲)"
    "|(?:就|都|全|纯|也|根本|肯定|绝对|一定)?是(?:骗局|诈骗|违法|骗人|假的|骗子|坑))"
)
# A comment that reports or warns about what someone else said or did (有人私信我说中奖了要交
# 手续费，大家别信; 刚刚有人让我加微信，已举报): a warning anywhere, a third party or a
# reported request anywhere, and no number, account or link of its own to act on.
_REPORT_WARNING = re.compile(
    "举报|别信|不要信|别相信|不要相信|别上当|不要上当|小心|当心|谨防|警惕|骗子|诈骗|骗局|是骗人|属于骗人|违法|犯法"
    # a question whether what someone said is true (有人私信我说中奖了 是真的吗)
    "|是真的吗|是不是真的|真的假的|真的吗|是不是骗|靠谱吗|可信吗|能信吗|能相信吗"
    # the host declining what a viewer asked for (只在直播间卖, 不私下交易)
    "|只在直播间|只在(?:这里|这儿|平台|抖音|快手|小店|正规)|不私下|不加(?:微信|v|私)|不好意思"
    # a warning off (千万别信, 年轻人别碰), a scam fallen for, and a moderator who removed
    # the one who asked (已经拉黑了, 加V的都删了)
    "|别碰|不要碰|害人|上当了|受骗了|差点上当|拉黑|删了|删掉|踢了|踢出|禁言"
    "|果断退|已退群|退群了|没理他|没理她|没搭理|没理会"
    # the host telling what the room never charges (我们福袋是包邮的 不收钱)
    "|不收钱|不收任何|不用交任何|不需要交任何|不会收任何"
    # someone close taken in, told as a warning (我同事被骗了八千; not 我被骗过, which a pitch
    # says), a scammer posing as staff named (收到假冒客服的电话)
    "|(?:有人|同事|朋友|家人|我妈|我爸|老人|邻居|亲戚|闺蜜|同学|姐妹|兄弟|奶奶|爷爷|外婆|姥姥|老公|老婆)"
    "[^，,。！!？?；;]{0,4}被[^，,。！!？?；;]{0,6}骗[了过]"
    "|假冒(?:客服|官方|平台|工作人员|快递|银行|警察|公检法)"
    # told to ignore it or to stay away, others told to watch out (大家看好家里老人), called
    # fake by a third party (说要交保证金的都是假的), a report to the police, never believed
    "|别理|不要理|别去|不要去|看好家里|提醒大家|大家注意|不对劲|可疑|(?:都|全|肯定)是假的|报警|从来不信|从不信|才不信"
    # the host disowning copies of the room elsewhere (那些都不是我们)
    "|都不是我们|不是我们的|跟我们无关|与我们无关"
    # a warning not to hand something over (谁要验证码都别给), someone posing as the host or
    # staff, a shill named (你是托吧), spam the host is asked to deal with (一直有人发加V的
    # 广告, 管管评论区), and a question whether it is the shop's own (这是你们的人吗)
    "|都别给|都不要给|千万别给|千万不要给|别给任何人|不要给任何人|(?<![不没])(?<!不是)冒充"
    "|(?<![不没])(?:是|是个|都是)托(?:儿(?!所))?(?:吧|吗|啊|呢|[，,。！!？?]|$)"
    "|发[^，,。！!？?；;]{0,6}广告|刷广告|打广告的|管管|管一管|管一下|是广告|别加"
    "|是(?:你们|你|主播|官方|你们家)的(?:人|客服|号|小号)吗"
)
_THIRD_PARTY = re.compile(
    "有人|有个|别人|对方|他们|他让|她让|谁说|让我|叫我|要我|让你|叫你|要你|骗我|骗你|说要|说是|我说"
    "|别的(?:宝宝|家人|人|姐妹|朋友)说"
    "|冒充|打电话|网上|评论区|弹幕里|那些|这种|那种|这些|看到|以前|之前|被骗|骗过|上过当"
    "|听朋友说|听说|有(?:宝宝|家人|朋友|粉丝|姐妹|兄弟)|[问说](?:能不能|可不可以|可以不可以|要不要)"
    # someone taken in (我奶奶上次被刷单骗了, 我爸差点上当), told to (让大家加微信的已经拉黑了)
    "|被[^，,。！!？?；;]{0,6}骗[了过]|差点(?:被骗|上当)|上当了|受骗了|让大家|叫大家"
    # the one a moderator is asked to remove, the reply above quoted (把那个卖高仿的踢出去,
    # 楼上说"加我看实拍"的)
    "|把(?:那个|这个|那些|这些|他|她|楼上)|楼上(?:说|那个|的|在)|举报楼上|那个(?:说|发|卖|让|叫)"
    "|那条(?:评论|弹幕|留言)?|刚才那条"
)
# A verdict the writer gives: calls a thing a scam (刷单就是诈骗, 加微信的都是骗子), not
# denies it (我们不是骗子, 绝对不是诈骗, which a pitch says to reassure).
_VERDICT = re.compile(
    "(?<![不非没])(?:就|都|全|纯|也|根本|肯定|绝对|一定)?(?:是|属于)"
    "(?:骗子|诈骗|骗局|骗人|违法|犯法|套路贷|套路|陷阱|圈套)"
    "|(?<![是不非没属防反])(?<!不是)(?:骗子|诈骗|骗局)(?:!|！|。|$)"
    # harm named (网贷害人), or the comment ends by warning off what it named (千万别信)
    "|(?<![不没])害人"
    # reported to the police or a moderator (我截图报警了, 看到卖高仿的就举报), never believed
    "|报警了|已报警|已经报警|(?:就|必|都|会|已|我)举报|举报了|从来不信|从不信|才不信"
    # told not to believe any such thing (别信什么验证码退款)
    "|别信什么|不要信什么|别相信什么|都不是我们|跟我们无关|与我们无关"
    "|该举报|应该举报|要举报|是保护动物"
    # the writer walked away from it (果断退了, 没理他)
    "|果断退|已退群|退群了|没理他|没理她|没搭理|没理会"
    # others told to beware of a named scheme (小心杀猪盘, 谨防被骗)
    "|(?:小心|当心|谨防|警惕)(?:被骗|诈骗|骗子|杀猪盘|刷单|上当|网恋)"
    "|(?:千万|一定|可|都|大家|年轻人|家人们|姐妹们|宝宝们|你们)(?:要|可)?(?:别|不要)"
    "(?:信|相信|碰|上当)[\\s~～。.!！]*$"
)
# These open alternatives with lookbehinds, which leave the engine no fast scan of its own:
# read only as "is there a match", each is searched in gate.present's form, which scans for
# the possible first characters without entering a match attempt at the other places.
_NEGATOR, _REPORT_WARNING, _THIRD_PARTY, _VERDICT = (
    re.compile(present(rx.pattern)) for rx in (_NEGATOR, _REPORT_WARNING, _THIRD_PARTY, _VERDICT)
)
_OWN_TOKEN = re.compile(
    r"[0-9０-９]{5,}|[A-Za-z0-9_]{6,}|https?:|www\.|\.(?:com|cn|net|top|cc|vip)\b"
)
# An insult the writer aims at themself (我就是个穷鬼, 我这个废物又熬夜): self-mockery, not
# abuse. Only right before the insult, in one clause.
_SELF_AIMED = re.compile(
    "我(?:就|真|也|才|简直|果然|真的)?(?:是|算)(?:个|一个|只|一只|条)?$|我这(?:个|种|样的)?$"
)


# A product model after a Latin term (VX-200型号, VX200款): a number of up to four digits,
# a letter or two, then a model word.
_MODEL_AFTER = re.compile(
    r"\s?[-‐–_]?\s?[0-9]{1,4}(?![0-9])[A-Za-z]{0,3}\s?(?:型号|型|款|系列|版|代)"
)


def model_named(text: str, end: int) -> bool:
    """Return True when a product model number follows a Latin hit ending at text[end]."""
    return _MODEL_AFTER.match(text, end) is not None


def negated(text: str, start: int, end: int = -1) -> bool:
    """Return True when a negator sits right before text[start:] (不能|治病, not 有没有), or a
    refusal right after text[:end] (微信转账|我们不支持)."""
    if _NEGATOR.search(text, max(0, start - _NEGATION_REACH), start) is not None:
        return True
    if start > 0 and text[start - 1] == "不" and text[start : start + 1] in _SELLING:
        return True  # 不卖高仿, 不发给我: 不 alone negates a term that starts so
    return end >= 0 and _REFUSED_AFTER.match(text, end) is not None


def warned(text: str, start: int, end: int) -> bool:
    """Return True when the clause around text[start:end] warns against it (original text)."""
    a = 0
    for mark in _CLAUSE_MARK.finditer(text, 0, start):
        a = mark.end()
    after = _CLAUSE_MARK.search(text, end)
    clause = text[a : after.start() if after is not None else len(text)]
    return _WARNING.search(clause) is not None and _TOLD.search(clause) is not None


def reported(text: str) -> bool:
    """Return True when a comment reports or warns about someone else's scam or request, or
    calls it a scam, and carries no contact of its own (有人让我加微信，已举报; 刷单就是诈骗)."""
    # Every verdict word is a warning word too: the cheap search answers most texts.
    if _REPORT_WARNING.search(text) is None or _OWN_TOKEN.search(text) is not None:
        return False
    return _VERDICT.search(text) is not None or _THIRD_PARTY.search(text) is not None


def self_aimed(collapsed: str, start: int) -> bool:
    """Return True when the writer calls themself the insult at collapsed[start:]."""
    return _SELF_AIMED.search(collapsed, max(0, start - 6), start) is not None


# A question that asks for the goods (整条的香烟有吗, 有没有…不要处方的药, 谁有): it opens or
# ends with the request, not 是不是高仿 or 需要处方吗, which ask what the goods are.
_REQUEST = re.compile(
    r"^(?:有没有|谁有|哪里有|哪有|求)"
    r"|(?:有吗|有没有|有货吗|还有吗|有卖吗|卖吗|出吗|能买到吗|哪里有|哪里买|谁有)[\s~～。.!！?？]*$"
)


def requested(text: str) -> bool:
    """Return True when a question asks for the goods it names (整条的香烟有吗)."""
    return _REQUEST.search(text) is not None


def asks(text: str) -> bool:
    """Return True when a text is a question (中奖了客服会联系吗, 原路返回还是转账)."""
    return _ASKS.search(text) is not None


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    """Return the shipped ordinary compounds (data/ordinary_words.txt)."""
    data = resources.files("monitor.detect").joinpath("data", "ordinary_words.txt")
    lines = (line.strip() for line in data.read_text("utf-8").splitlines())
    return frozenset(w for w in lines if w and not w.startswith("#"))


@lru_cache(maxsize=1)
def _dictionary() -> None:
    """Add the shipped ordinary compounds to the segmenter's dictionary (once)."""
    for word in ordinary_words():
        rjieba.add_word(word, ORDINARY_FREQ, "n")


def segment(text: str) -> tuple[tuple[str, int, int], ...]:
    """Return the dictionary words of a text with their spans (no HMM guesses)."""
    return tuple((word, a, b) for (word, _), a, b in segment_tagged(text))


def inside_ordinary_word(
    text: str,
    start: int,
    end: int,
    other_term: Callable[[str, int, int], bool],
    sound_alike: bool = False,
) -> bool:
    """Return True when a dictionary word straddles or strictly contains text[start:end].

    `other_term(word, a, b)` says whether the word at a..b holds a listed term other than
    the hit itself; such a word is no alibi. A sound-alike hit (`sound_alike`) that is a
    dictionary word or lies inside one is that word (加味, 张家口, 卫星), not the term it
    sounds like.
    """
    for (word, tag), a, b in segment_tagged(text):
        if b <= start or a >= end or len(word) < 2:
            continue
        if a == start and b == end:
            return sound_alike  # the hit is a word of its own
        if a <= start and end <= b:
            # A longer dictionary word may be the sensitive compound itself (枪支弹药), so
            # only the shipped ordinary compounds clear a term inside them (去死皮).
            if sound_alike or tag in PROPER_NAMES:
                return True  # 南京东路 is a road, not 京东
            return word in ordinary_words() and not other_term(word, a, b)
        if a < start < b <= end:
            outside = text[a:start]
        elif start <= a < end < b:
            outside = text[end:b]
        else:
            continue  # a word inside the hit: it only splits the term
        if all(c in FUNCTION_CHARS for c in outside):
            continue
        if not other_term(word, a, b):
            return True
    return False


def repeated_question(text: str, start: int) -> bool:
    """Return True when a viewer's question the host repeats leads up to text[start:]
    (有宝宝问能不能治湿疹，我们是衣服不是药): the host answers it, claiming nothing."""
    # (to start + 2: a term may begin inside the question, 能不|能治)
    return _ASKED_BEFORE.search(text, max(0, start - 12), start + 2) is not None


def is_claim(text: str, start: int, end: int) -> bool:
    """Return True when an advertising-law hit at text[start:end] is used as a claim."""
    term = text[start:end]
    if _MEDICAL_ADVICE.search(text, max(0, start - 8), end + 10):
        return False  # 降血糖要听医生的
    if repeated_question(text, start):
        return False
    if _NOT_BEFORE.search(text, max(0, start - 8), start) is not None:
        return False  # 不是翡翠里最贵的品种: a claim denied
    if "最" in term and "最低" not in term:
        scope = text[max(0, start - 10) : start]
        if (
            _MARKET_SCOPE.search(text, max(0, start - 10), end) is None
            and (_OWN_SCOPE.search(scope) is not None or _OWN_OPTION_AFTER.match(text, end))
            and not text.startswith(_MARKET_QUALITIES, start + term.index("最") + 1)
        ):
            return False  # among the shop's own goods, not over the market
    if term not in WEAK_AD_TERMS:
        return True
    for phrase in SET_PHRASES:
        # From the first place an occurrence could still cover the term's start: the lowest
        # occurrence found covers it if any does (最多最多: the first 最多 ends before the term).
        at = text.find(phrase, max(0, start - len(phrase) + 1), end + len(phrase))
        if at != -1 and at <= start:
            return False
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    if term in ("第一", "首个", "首家"):
        if before in _CLAIM_BEFORE_DIYI:
            return True
        if text.startswith(_ORDINAL_AFTER_DIYI, end):
            return False
        return any(after.startswith(w) for w in _CLAIM_AFTER_DIYI)
    if term == "最好":
        if after[:1] == "用" and text[end + 1 : end + 2] in _HOW_TO_USE:
            return False  # 最好用九十度的水冲泡: how to use it, not the best to use
        hanzi_after = "\u4e00" <= after[1:2] <= "\u9fff"
        if after[:1] in _ADVISED and hanzi_after and after[1:] not in _CLAIM_END:
            return False  # 大家最好穿厚一点: advice, not 最好穿的 (the best to wear)
        return after[:1] in _CLAIM_AFTER_ZUIHAO
    if term == "最":
        if before[-1:] in _PERSON:
            return False  # 我最怕冷: a person's feeling, not the product's rank
        if after.startswith(_CLAIM_AFTER_ZUI):
            return True  # 最权威, 最安全: jieba tags these nouns, yet they are claims
        if _SPEC_AFTER_ZUI.match(text, end):
            return False  # 最高耐热八十度: a specification
        # 最 + an adjective is a superlative claim; 最 + a verb or anything else is an adverb.
        for (word, tag), a, _ in segment_tagged(text):
            if a == start and len(word) > 1:
                if word in WEAK_AD_TERMS:  # 最好 decides for itself
                    return is_claim(text, start, start + len(word))
                return tag[:1] in ("a", "z")
            if a == end:
                return tag[:1] in ("a", "z")
        return False
    if term == "唯一":
        if after.lstrip("一")[:1] in _COUNTERS:
            return False  # 唯一一个秒杀链接: a count, not 'the only one on the market'
        return not after.startswith(("要", "的缺", "不足", "一次"))
    return True


@lru_cache(maxsize=4096)
def segment_tagged(text: str) -> tuple[tuple[tuple[str, str], int, int], ...]:
    """Return the words of a text with their part-of-speech tags and spans."""
    _dictionary()
    out = []
    pos = 0
    for word, tag in rjieba.tag(text, False):
        out.append(((word, tag), pos, pos + len(word)))
        pos += len(word)
    return tuple(out)
