"""Cues the character n-gram model misses: bad facts, sarcasm, negated praise, question kinds.

Each cue is one compiled regex over the comment as typed (punctuation kept: sarcasm turns
on the comma between the praise and the fact). `cue_shift` returns the log-odds the
sentiment verdict adds; most comments match no cue and cost a few C-level searches.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.detect.gate import CueSet
from monitor.detect.questions import QUESTION_PATTERNS, classify_found

_N = r"[0-9一二三四五六七八九十两几好半]"  # a count: 3天, 五天, 好几天, 半个月
# A bad fact with no complaint word: the comment states what happened.
IMPLICIT = (
    # see-through, thin
    r"透(?:光|肉|明|出来|了|得)|薄得|又薄又透|又透又薄|[太好超巨贼]透(?!气)|[太超巨贼]薄(?!荷)|薄如|看得见里面|看见里面|一清二楚|"
    # smells
    r"一股.{0,5}[味气]|霉味|发霉|馊|酸味|怪味|哈喇|刺鼻|呛[鼻人]|化学味|塑料味|"
    # parcels stuck, late, lost
    rf"[停卡躺困]在.{{0,8}}(?:不动|没动|一直|{_N}+天)|一动不动|没(?:动静|更新|变过|动过)|"
    r"还在(?:路上|仓库|发货地|中转|派送)|待揽收|没揽件|被退回|又延迟|"
    rf"都.{{0,3}}{_N}+(?:天|周|个?星期|个?月|个?礼拜)了|{_N}+天(?:了|都)(?:还|没)|"
    rf"等了.{{0,3}}{_N}+(?:天|周|个?星期|个?月)|半个月才|才到|"
    # looks awful on, fits badly
    r"像(?:个|一个|是)?(?:麻袋|睡衣|大妈|粽子|寿衣|抹布|孕妇|偷穿|地摊)|"
    r"显(?:胖|黑|老|壮|矮|腿短|脸大)|丑(?:哭|死|到|爆)|惨不忍睹|没法(?:穿|看|用|吃|要)|"
    r"穿不(?:进|上|下)|拉不上|扣不上|勒得|喘不过气|"
    # broken, damaged, leaking, shedding
    r"碎(?:了|成|渣)|断(?:了|成)|裂(?:了|开)|散架|发黑|发黄|钻(?:毛|绒)|往外(?:钻|渗|漏|掉|冒)|"
    r"渗水|漏(?:水|气|液|油)|空壳|一半是(?:空|烂|坏|碎|死)|"
    r"全是(?:碎|渣|线头|毛|灰|污渍|洞|胶)|[有是](?:污渍|油渍|霉点|虫子|头发|破洞)|"
    r"(?:用|穿|拆)过的(?:痕迹|吧|样子)|二手(?!的?吗)|被人(?:穿|用)过|退回来的|剪过|拆过|"
    r"发(?:错|成)了|给我发了|(?:收到|发来|寄来)的是.{0,6}(?:别人|旧|不一样|错)|少了一|不是我(?:拍|买|要)的|"
    # service that never answers
    r"没人(?:理|管|回|接|处理)|一直(?:不回|没回|没人|不接|打不通|已读)|自动回复|只会(?:说|回|发)|"
    r"被禁言|被拉黑|"
    # paid more than elsewhere
    rf"便宜了.{{0,2}}{_N}|比.{{1,8}}还(?:贵|便宜)|一半价|"
    r"[头肚脸脚腿手]疼|(?:嗓子|喉咙|胃|牙|眼睛)(?:疼|痛)|"
    r"(?:回来|到手|收到|拆开|打开|用了|穿了|洗了).{0,4}就(?:掉色|褪色|坏|破|裂|断|起球|开线|缩|变形|不亮|没电|漏)|"
    r"还不如|不如(?:以前|之前|上次|第一次)|大不如前|不是一个(?:颜色|东西|档次)|都不检查|没检查|起了?(?:疹子|痘|红点)|拉肚子|冒烟|冒火|短路|漏电|烧焦|是干的|干巴巴|"
    r"完全不一样|两回事|两个东西|推来推去|不(?:解决|处理|负责)|"
    # live-commerce slang for a bad buy
    r"踩.{0,2}雷|芭比q|蚌埠住|破防|寄了|栓q|会谢|无语|麻了|裂开|下头|拉[胯垮]|翻车|避雷|拔草|劝退|"
    r"冤种|智商税|韭菜|一言难尽|别买|快跑|告辞|呵呵"
)
# Praise, then the fact that contradicts it.
_PRAISE = (
    r"(?:好评|五星|满分|点赞|(?:真|好|太|可真|真是|超级?|非常|简直|相当|特别|贼|巨)(?:的|是)?"
    r"(?:太|很|好)?(?:物美价廉|热情|用心|正品|正宗|大牌|准时|守时|精致|大方|时尚|舒服|合身|显瘦|好|棒|快|准|香|会|耐|结实|暖和?|给力|贴心|厉害|精细|良心|舍得|值|靠谱|实惠|敬业|及时|"
    r"正宗|保暖|防水|持久|耐穿|耐洗|耐用|漂亮|美|划算|高级|专业|负责))"
)
_CONTRADICTION = (
    r"(?:坏|掉|破|裂|断|疼|退|痒|湿|臭|呛|冻|黑了|起球|开线|缩|褪|丑|最丑|散|漏|没(?:了|电|声|用)|"
    r"不(?:动|行|亮|响|见|到|出|回)|凉了|半个月|[0-9一二三四五六七八九十几两]+天(?:才|了|还)|才到|才发|"
    r"才回|还没|还在|还不|[0-9一二三四五六七八九十几两]+(?:周|个?月|个?星期)(?:才|了|还)?到|一.{1,3}就|比.{1,4}还|结果|可惜|然而|却|得我|线头|假|图片里)"
)
SARCASM = (
    rf"{_PRAISE}.{{0,8}}[，,。.！!~\s]+.{{0,8}}{_CONTRADICTION}|"
    r"好一个|名不虚传|不愧是.{1,8}[，,]|夸你一句|五星好评.{0,3}要不是|美在图片|"
    r"得我.{0,3}(?:头疼|哆嗦|发抖|想哭|过敏|难受|睡不着|想吐|崩溃)|"
    rf"(?:说好的|说是|号称|宣传的?|主播说|不是说).{{1,12}}[，,]?.{{0,10}}{_CONTRADICTION}|"
    r"谢谢你|感谢.{0,4}让我|认清|长见识|开眼"
)
# Praise that uses negation: never a complaint.
NEGATED_PRAISE = (
    r"不要太|不能再|没得(?:说|挑)|挑不出|无可挑剔|不输|不比.{0,6}(?:差|逊|弱)|不愧|不枉|没白|"
    r"不亏(?!心)|不后悔|没.{0,2}失望|[没不]踩雷|没有不|没什么毛病|停不下来|不夸不行|不买后悔|"
    r"(?:一点|丝毫|完全|根本|从来|都|也)(?:都|也)?(?:不|没有?)(?:差|贵|难|丑|廉价|显胖|透|扎|臭|薄|"
    r"色差|异味|线头|起球|掉色|缩水|变形|磨脚|闷|刺激|油腻|拔干|紧绷|卡顿|上火|过敏|皱|腻|热|勒)|"
    r"不用(?:挑|犹豫|担心|想)|闭眼(?:买|入)|不是(?:智商税|假|托|次品|水货)|原以为|本来以为|还以为|"
    r"以为(?:是|会).{0,10}(?:结果|没想到|用了|其实|并没有)|"
    r"(?:^|[，,\s了的着])(?:不|没有?)(?:色差|异味|线头|起球|掉色|缩水|变形|磨脚|闷脚|刺激|油腻|拔干|"
    r"紧绷|卡顿|上火|过敏|掉渣|假滑|粘(?!锅))"
)
# Praise negated: 不好用, 没那么好看, 一点都不舒服.
PRAISE_NEGATED = (
    r"(?<![要再好])(?:不|没|没有|并不|根本不|完全不|一点都不|一点也不)(?:怎么|太|咋|是很|很|那么|这么)?"
    r"(?:好用|好看|好吃|好穿|舒服|满意|推荐|值|合身|保暖|透气|划算|靠谱|结实|耐用|实用|行)"
    r"(?![吗么嘛呀]|不|的话|可以|能|怎么|咋)"
)

SENTIMENT_PATTERNS = {
    # a negator just before (不显胖, 没漏水) is praise; a particle just after (漏水吗) asks
    "implicit": (IMPLICIT, r"(?<![不没无])", r"(?![吗么嘛不]|的话|怎么办|咋办)"),
    "sarcasm": (SARCASM, "", ""),
    "negated_praise": (NEGATED_PRAISE, "", ""),
    "praise_negated": (PRAISE_NEGATED, "", ""),
    **QUESTION_PATTERNS,  # one pass finds the question cues too
}
SENTIMENT_CUES = CueSet(SENTIMENT_PATTERNS)


@dataclass(frozen=True, slots=True)
class CueWeights:
    """Log-odds each cue adds to the sentiment verdict (tuned on data/sentiment/dev.tsv)."""

    implicit: float = 2.5
    sarcasm: float = 3.5
    praise_negated: float = 3.5
    negated_praise: float = -2.5
    complaint_question: float = 3.5
    neutral_question: float = -3.0
    model_floor: float = -1.5  # the model's log-odds after a negative cue is at least this
    model_ceiling: float = 1.5  # and after a cue that clears the comment at most this


DEFAULT_WEIGHTS = CueWeights()


def cue_shift(text: str, weights: CueWeights = DEFAULT_WEIGHTS) -> tuple[float, bool]:
    """Return (log-odds shift, whether the comment asks) from the cues of a comment."""
    t = text[:200].lower()
    found = SENTIMENT_CUES.matches(t)
    shift = 0.0
    if "implicit" in found:
        shift += weights.implicit
    if "sarcasm" in found:
        shift += weights.sarcasm
    if "negated_praise" in found:
        shift += weights.negated_praise
    elif "praise_negated" in found:
        shift += weights.praise_negated
    if "asks" not in found:
        return shift, False
    if "complaint" in found:
        shift += weights.complaint_question
    elif shift <= 0.0 and classify_found(t, found) is not None:
        shift += weights.neutral_question  # a bad fact with a question mark still complains
    return shift, True
