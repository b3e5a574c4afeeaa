"""Viewer questions the room should answer: price, size, stock, shipping, after-sales, usage.

A comment is a question to answer when it asks (a question mark, a final particle such
as 吗 or 呢, or a question word such as 多少 or 有没有) about one of the topics below, and
it is neither a complaint phrased as a question (怎么还没发货, 为什么不退款: negative
sentiment, handled as such) nor a rhetorical or chatty question (有人吗, 怎么这么好看,
主播吃饭了吗). Rules only: a cheap regex decides first whether the comment asks at all,
so the ~80% of comments that don't ask cost one C-level search.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from importlib import resources

from monitor.detect.gate import CueSet
from monitor.detect.native import automaton, phrases

TOPICS = ("price", "size", "stock", "shipping", "after_sales", "usage", "product", "discount")
MAX_CHARS = 200  # a question is short; longer input is read up to here

# Does the comment ask at all? (Anything not matching is not a question: fast path.)
# X不X (好不好) is read from the 不, the X before it in a lookbehind: a search then tries
# only the places holding 不, not every character.
_ASKS = (
    r"[?？]|吗|么|嘛|呢|多少|多钱|几|什么|谁|(?<![我你他她也])还是(?!算|喜欢|觉得|更|最|去年|那|主播|挺|很|太|好|要|得)|(?<=(?P<a>.))不(?P=a)|不[啊呀呢]?$|没[啊呀]?$|啥|怎么|怎样|咋|哪|如何|是否|多久|多大|多长|多重|多高|多宽|"
    r"有没有|能不能|可不可以|可以不|是不是|会不会|要不要|用不用|行不行|好不好|够不够|贵不贵|"
    r"有木有|有无|请问|[发说讲介]一下|讲讲|问下|问一下|想问|求问|求链接|求尺码|有货没|还有没|能.{0,4}不[?？]?$|"
    r"[有能会可行要是]没有?$|[有能会可行要是]不$"
)
# A complaint phrased as a question is negative sentiment, not a question to answer.
COMPLAINT_QUESTION = (
    r"怎么还|咋还|为什么还|为啥还|为什么不|为啥不|为什么没|为啥没|凭什么|到底|难道|"
    r"什么时候才|啥时候才|还要等多久|还要多久|都.{0,4}[天周月]了|[几好]天了|这么久|这么慢|"
    r"怎么回事|咋回事|什么情况|啥情况|搞什么|搞啥|什么鬼|啥玩意|什么玩意|有病|"
    r"为什么|为啥|查不到|怎么.{0,6}不[到了上动回发]|"
    r"骗|坑|垃圾|差评|投诉|举报|退钱|假货(?!的话|吧|吗)|破(?:了|洞|成|的)|烂|坏了(?!怎么|咋|能|可以|包|找|保|去哪)|发霉|霉味|臭|恶心|没人[管理回]|不理|不回|"
    r"还没[发到收回退寄]|还不[发到退回]|一直不|一直没|不给|拒绝|耍|忽悠|智商税|"
    r"怎么[这那]么(?:差|慢|贵|薄|小|臭|难)|咋[这那]么(?:差|慢|贵|薄|小|臭|难)|"
    r"是不是(?:骗|假|坑|二手|翻新|旧)|是不是(?:被人退货|被人退回|被人用过|退货|退回)的?(?:二手|翻新|旧|用过|拆过)|有没有人管|管不管|能不能(?:快点|靠谱)|"
    r"不是说.{0,8}吗|说好的.{0,8}呢|说好的.{0,8}吗|有人(?:处理|管|回|负责|理)|谁(?:来)?(?:负责|管|赔)|"
    r"人呢|我的.{1,6}呢|机器人|有没有人|怎么又|又是|也能叫|驳回|内定|用不了|还要我|"
    r"态度差|一般般|被拒|好意思|就是你们?说的|良心(?:不|会|呢|何在|被)|[管这]叫|这也叫|谁(?:穿|用|吃)得[下了]|能不能别|别再|是几个意思|什么意思|算什么|亏心|还想不想|看我好欺负|"
    r"给人(?:吃|用|穿|吸|闻|喝|戴|睡|看)的|都没(?:回|人理|发)|就这(?:质量|做工|效果|服务|态度|水平)|不检查|"
    r"跟我一样.{0,8}(?:坏|破|碎|烂|假|少|错|漏|臭|不)|还不如|"
    r"怎么给我|怎么(?:有|是).{0,6}(?:痕迹|旧的|坏的|破的|脏的|二手)|"
    # (几天 alone asks how long: 申请了要几天到账)
    r"[申请等催拍下单付款]了.{0,3}(?!几(?:天|周|个))[0-9一二三四五六七八九十两几好半]+(?:天|周|个?星期|个?月)|"
    # rhetorical: is this what you call…, made up, walked here, asleep on the job
    r"这还(?:叫|算|能叫|敢叫|配叫)|这也算(?!是)|这也配|也(?:配|敢)叫|算哪门子|哪门子的|"
    r"瞎(?:写|编|标|填|搞|扯)|走路(?:送|寄)|"
    r"是摆设|当摆设|逗我|耍我|当傻子|(?:上班|干活).{0,3}(?:睡觉|摸鱼)|说得过去吗|像话吗|像话不|"
    r"故意的|成心的|谁受得了|能不能(?:好好|认真|上点心)|上点心|(?:一直|老是).{1,8}干嘛|"
    r"(?:说好的|不是说|号称).{1,12}[，,\s]+.{0,4}(?:怎么|咋|为什么|为啥)|"
    # where did the promised gift go; which "next time" (下次是哪次)
    r"(?:说好的|答应的?|承诺的?|赠品|赠送的?|送的)[^，,？?。]{0,8}(?:去哪了|哪去了|哪儿去了|跑哪(?:去|儿)?了)|"
    r"(?:下次|马上|改天|过几天|回头)是哪(?:次|天|年|一天|一次|辈子)|"
    # a promise or a price said, then how it changed (说是现货，怎么要等二十天; 说好的顺丰怎么
    # 变成了…; 刚才还九十九，怎么上架就一百二了), what was ordered against what came
    r"(?:说好的|说好(?:了|要|送|给|发|包|会)|说是|不是说|号称|直播说|直播间说|主播说|主播讲的|讲好的|"
    r"链接里写|链接上写|链接写|页面上写|页面写|写着|标着|标的是?|刚才还|刚刚还|明明)[^？?]{1,12}?"
    r"(?:怎么|咋|为什么|为啥)(?:变|成|只|就|要|收|和|跟|还|又|没|不|才|上架|结算)|"
    r"拍(?:了|的)[^，,？?]{0,6}(?:怎么|咋)(?:只|就|寄来|来了|发了|变|是)|"
    # accused rather than asked (是乱写的吗, 是靠走的吗, 是在种吗, 挑剩的吧), a fault worse
    # than normal (烫成这样正常吗), a shop asked whether it looks at all
    r"乱写的|瞎写的|靠走的|是认真的吗|被人踩过|挑剩的|是在种|用脚(?:写|拍|做|量)|寄丢了吧|"
    r"成这样(?:正常|还|也)|你们(?:不看的吗|有看吗|看了吗|眼瞎|是不是瞎)|根本没人|下班(?:这么|那么)早|"
    r"就这(?:包装|分量|么一点|么点|么小)|这就是你们的|买气受|买罪受|挂出来干嘛|还挂出来|凭啥|"
    r"每次.{0,4}都是那几个|不算数|(?:怎么|咋).{0,6}没了|(?:运费险|赠品|优惠券|发票)呢|"
    r"(?:打|点)不开|给(?:成年人|大人)(?:穿|用|吃)的|"
    # dev16/dev17 round. The shop accused (是空号吗, 是合成肉吗, 滤镜开了多少); why a bad thing
    # happened (怎么跑到外省去了, 怎么不说一声, 怎么充一次就没电了); is this what you call X
    # (都不结晶，真是土蜂蜜？ …，确定是999？ …，还说防漏？ …，防水在哪？); how am I to use
    # it (让孩子怎么玩, 孔都对不上，怎么装); nobody bothered (没人剪一下吗); a fault this bad
    # (粉尘这么大, 这么烫正常吗, 就这样发货？); favouritism; danger (不怕卡喉咙吗); how long
    # a refund waits (寄回去十天了，钱…; 三天了谁来…)
    r"是空号|(?:一直|根本|总是|老是|永远)打不通|"
    r"(?:了|全是|都是)[^，,]{0,6}[，,]\s*(?:这|这个|你们)?(?:是不是|是)(?:合成|拼接|注水)肉|"
    r"(?:美颜|滤镜)[^，,？?]{0,3}(?:开了|加了)|"
    r"(?:怎么|咋)[^，,？?]{0,4}(?:跑|绕|寄|发)到.{1,6}去了|不(?:说|讲|通知|提醒|告诉)(?:我们?|大家|顾客)?一声|"
    r"(?:怎么|咋)[^，,？?]{0,8}就(?:没电|坏|破|裂|断|掉色|褪色|漏|不亮|不转|不能用|没声|卡|死机|关机)了|"
    r"(?:啥|什么)道理|(?:说|写|标|讲)(?:的|着|了)?[^，,？?]{1,8}[，,]\s*怎么[^，,？?]{0,6}"
    # (filed under 怎么, not the comma; lookaheads: 还有 as an anchor would hide 有人管 in 还有人管)
    r"(?:没(?=有)|还(?=要|收|有|加)[^，,？?]{1,3}(?=运费|邮费|差价|手续费|服务费))|"
    r"(?:都|就|不|没)[^，,]{0,8}[，,]\s*(?:这|这个|它)?(?:真是|真的是)[^，,？?吗吧么]{1,6}[？?]$|"
    r"[，,]\s*(?:你们|你|主播)?确定是[^，,？?吗吧么]{1,6}[？?]$|"
    r"都[^，,]{0,6}[，,]\s*(?:这|这个|它)?(?:真|还|也)?是(?:原装|正品|全新|新的|新品|真货|真的|新)的?[吗么]?[？?]|"
    r"[，,]\s*(?:防水|防晒|防漏|防滑|保温|保暖|加厚|加绒|效果|质量|正品|诚信|良心)在哪(?:里|儿)?[？?]?$|"
    # (the claim words spelled out: filed under 还说 and the like, not the comma, and an
    # anchor such as 说是 or 说好的 that overlaps 还说 is one of them)
    r"[，,]\s*(?:你们|主播|客服|商家)?还(?:说是|说好的|说好|说|号称|宣传的|宣传|标着|标的|标|写着|写的|写|敢说|好意思说)"
    r"(?:的是|是|的)?(?!了|什么|啥|过|一下)[^，,？?吗]{1,6}[？?]$|"
    r"让(?:我|孩子|宝宝|人|我们|老人|小孩)怎么(?:玩|用|穿|吃|装|喝|戴|睡|拼|走|出门)|"
    r"(?:对不上|装不上|拧不上|插不进|合不上|都不对)[^？?]{0,4}(?:怎么|咋)(?:装|用|弄|拼|穿)|"
    r"(?<!有)没人[^，,？?]{1,3}一下|"
    r"(?:线头|毛球|灰尘|划痕|瑕疵|气泡|杂质|粉尘|异味|毛絮|色差|味道|气味|噪音)(?:这么|那么)(?:多|大|重|明显|浓|严重|响)|"
    r"(?:这么|那么|这样)(?:烫|热|响|吵|臭|抖|晃|卡|慢)[^，,？?]{0,2}正常吗|"
    r"就这(?:样|么)(?:发货|发出来|寄过来|寄来|包装|打包)(?:了|的)?[？?]|这样也(?:能|敢)发|"
    r"(?:试穿|展示|直播间|视频里?|图片上?|样品|主播穿|模特穿?)的?(?:和|跟|与)(?:发来|寄来|收到|到手|我收到)的.{0,3}是(?:一|同一)|"
    r"只(?:回复?|理|搭理|看|照顾|宠)[^，,？?]{0,4}(?:刷礼物|送礼物|刷火箭|榜一|大哥)|"
    r"不怕[^，,？?]{0,6}(?:卡(?:喉咙|嗓子|住)|噎|出事|中毒|伤着|烫伤|着火|爆炸|投诉|差评|出人命|吃坏)|"
    r"(?:寄回去?|退回去)[^，,？?]{0,3}[0-9一二三四五六七八九十两几好半]+(?:天|周|个?星期|个?月)了[，,]?\s*(?:钱|款|退款)|"
    r"[0-9一二三四五六七八九十两几好半]+(?:天|周|个?星期|个?月)了[，,]?(?:还|都|也)?(?:没人|谁来)|"
    r"等到猴年马月|(?:你们|平台|客服|商家)(?:都|也)?不管(?:吗|么|的吗)|"
    r"(?:质检|客服|售后|品控|审核|物流|快递|你们)(?:的人|人员|部门)?是?干(?:嘛|什么|啥)(?:的|吃的)|"
    r"谁(?:检查|质检|审核|打包|包装)的|就这(?:待遇|速度|品质|分量)|"
    # dev18/dev19 round. Did nobody test it (发货前不开机测试的吗, 设计的时候没试过); the
    # last time against this time (上回还是满的，这次怎么只装了半盒); how dare you sell it;
    # why wasn't I told before; who pays the difference; made for which model
    r"(?:发货|出厂|上架|寄出|设计|生产|包装)(?:之?前|的时候)[^，,？?]{0,6}(?:不|没|没有)[^，,？?]{0,4}(?:测试|检查|试|测|验)|"
    r"(?:上回|上次|上一批|上批|去年|以前|之前|第一次|上个月)[^？?]{1,12}[，,]\s*(?:这次|这回|这一批|这批|今年|现在|这个月)\s*"
    r"(?:怎么|咋|为什么|为啥)(?:只|就|变|换|成|软|少|小|薄|没|不|差|缩|又)|"
    r"(?:怎么|咋)比[^，,？?]{1,6}(?:薄|小|短|轻|少|差|贵|硬|旧)|到我这(?:里|儿)?(?:怎么|咋)(?:变|成|只|没)|"
    r"(?:怎么|咋|也|还)敢(?:卖|拿出来卖|上架|发货|收钱)|"
    r"(?:之前|事先|下单前|当时|付款前|买之前)(?:怎么|为什么|为啥|咋)(?:不|没)(?:说|讲|提|写|告诉|通知|标)|"
    r"差价谁(?:补|退|出|负责)(?!都)|(?:给|为)哪(?:个|款|种)[^，,？?]{0,4}(?:做|设计|生产)的|型号写的是哪|"
    r"[，,]\s*那[^，,？?]{0,6}(?:费|钱)(?:是)?(?:收的|交的|花的)(?:是)?(?:啥|什么)|"
    r"(?:这么|那么)(?:细|小|薄|短|少|轻|差|丑|旧|暗|矮|粗|糙)[^？?]{0,3}[，,]\s*(?:跟|和|与)[^，,？?]{0,8}(?:是同一[^，,？?]{0,3}|一样)[吗么？?]|"
    r"能不能换(?:个|家)(?:快递|物流)|(?:你们)?清库存呢"
)
# Rhetorical or chatty: asks, but nobody needs to answer.
_RHETORICAL = (
    r"有人吗|在吗|在不在|谁懂|还有谁|是我一个人|只有我|就我|谁不|谁能不|不香吗|不好吗|"
    r"[这那咋怎][么样]*(?:也太|这么|那么|好)(?:好看|美|漂亮|便宜|划算|值|香|可爱|帅|会|厉害|甜|绝)|"
    r"也太.{1,4}了吧|太.{1,4}了吧|是魔鬼吗|是仙女吗|什么神仙|哪来的神仙|怎么做到的|"
    r"吃饭了吗|吃了吗|下播|开播|几点播|主播[几多]大|主播多高|主播.{0,3}(?:哪里人|哪儿人|结婚|男朋友|女朋友|单身|名字|叫什么|几岁)|"
    r"今天穿的|背景音乐|什么歌|bgm|什么手机|用的手机|直播设备|麦克风|"
    r"好不好看|美不美|好看吗|好看不|漂亮吗|"
    r"你们说呢|对吧|是吧|懂吗|知道吗|信吗|敢信|真的假的|不会吧|我没看错吧|"
    r"买了吗|抢到了吗|抢到没|你们买了|有没有姐妹|有没有家人|有谁买"
)


def load_topic_terms(text: str) -> dict[str, tuple[str, ...]]:
    """Return the topic words of a `topic<TAB>words` table; an unknown topic is an error."""
    terms: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        topic, tab, words = line.partition("\t")
        if not tab or topic not in TOPICS:
            raise ValueError(f"questions table line {number}: unknown topic {topic!r}")
        terms.setdefault(topic, []).extend(words.lower().split())
    return {topic: tuple(words) for topic, words in terms.items()}


TOPIC_TERMS = load_topic_terms(
    resources.files("monitor.detect").joinpath("data", "questions.tsv").read_text("utf-8")
)
# When several topics match, the more specific one wins the tie.
_PRIORITY = {t: i for i, t in enumerate(
    ("after_sales", "shipping", "discount", "stock", "price", "usage", "size", "product")
)}  # fmt: skip
_TERMS = [(term, topic) for topic, terms in TOPIC_TERMS.items() for term in terms]
_AUTOMATON = automaton([t for t, _ in _TERMS])
# Weight of a topic word: one-character words are weak (价, 码, 钱), long ones strong.
_WEIGHTS = [min(3.0, 0.5 * len(t)) if len(t) > 1 else 0.4 for t, _ in _TERMS]
_TOPIC_OF = [topic for _, topic in _TERMS]
# A statement: one of these openings, or one of these words anywhere (two checks: an
# alternation with a `^` branch has no first-character set, so the regex engine would try
# every branch at every position).
_STATEMENT_OPENINGS = ("已", "刚", "我买了", "买了", "拍了", "下单了", "到了", "收到")
_STATEMENT = phrases(("好几", "没几", "几乎", "什么都", "怎么都", "多少有点"))


QUESTION_PATTERNS = {
    "asks": (_ASKS, "", ""),
    "complaint": (COMPLAINT_QUESTION, "", ""),
    "rhetorical": (_RHETORICAL, "", ""),
}
QUESTION_CUES = CueSet(QUESTION_PATTERNS)


def asks(text: str) -> bool:
    """Return True when a comment asks something (a question mark, particle or word)."""
    return "asks" in QUESTION_CUES.matches(text[:MAX_CHARS].lower())


@dataclass(frozen=True, slots=True)
class QuestionVerdict:
    """A viewer question the room should answer: its topic and a confidence in 0..1."""

    topic: str  # price|size|stock|shipping|after_sales|usage|product|discount
    score: float


def classify_question(text: str) -> QuestionVerdict | None:
    """Return the question's topic when the comment is a question to answer, else None."""
    t = text[:MAX_CHARS].strip().lower()
    if len(t) < 2:
        return None
    found = _cues().matches(t)
    if "implicit" in found or "sarcasm" in found or "praise_negated" in found:
        return None  # 面料又薄又透？ states a bad fact: a complaint, not a question to answer
    return classify_found(t, found)


def _cues() -> CueSet:
    """Return the sentiment cue set (question cues included): one scan finds both kinds."""
    global _SENTIMENT_CUES
    if _SENTIMENT_CUES is None:
        from monitor.detect.sentiment_cues import SENTIMENT_CUES  # imports this module

        _SENTIMENT_CUES = SENTIMENT_CUES
    return _SENTIMENT_CUES


_SENTIMENT_CUES: CueSet | None = None


def _topic_scores(t: str) -> tuple[str, dict[str, float]]:
    """Return the comment as read (a lone surrogate replaced) and each topic's summed cue
    weight in it (overlapping matches); the comment is lower-cased."""
    try:
        matches = _AUTOMATON.find_matches_as_indexes(t, True)
    except UnicodeEncodeError:  # a lone surrogate (never from a JSON decoder): drop it
        t = t.encode("utf-8", "replace").decode("utf-8")
        matches = _AUTOMATON.find_matches_as_indexes(t, True)
    scores: dict[str, float] = {}
    for index, _, _ in matches:
        topic = _TOPIC_OF[index]
        scores[topic] = scores.get(topic, 0.0) + _WEIGHTS[index]
    return t, scores


def answerable(t: str, found: Set[str]) -> bool:
    """Return `classify_found(t, found) is not None` (what the sentiment cues ask), without
    naming the topic: the highest topic score decides, whichever topic holds it."""
    if "asks" not in found or "complaint" in found or "rhetorical" in found:
        return False
    t, scores = _topic_scores(t)
    if not scores:
        return False
    strength = max(scores.values())
    asking = 1.0
    statement = t.startswith(_STATEMENT_OPENINGS) or _STATEMENT(t)
    if statement and not t.endswith(("?", "？", "吗")):
        asking -= 0.5
    return min(1.0, 0.25 * asking + 0.25 * min(strength, 3.0)) >= 0.5


def classify_found(t: str, found: Set[str]) -> QuestionVerdict | None:
    """Return the verdict on a lower-cased comment whose QUESTION_CUES matches are known."""
    if "asks" not in found or "complaint" in found or "rhetorical" in found:
        return None
    t, scores = _topic_scores(t)
    if not scores:
        return None
    topic = max(scores, key=lambda k: (scores[k], -_PRIORITY[k]))
    strength = scores[topic]
    asking = 1.0
    statement = t.startswith(_STATEMENT_OPENINGS) or _STATEMENT(t)
    if statement and not t.endswith(("?", "？", "吗")):
        asking -= 0.5  # 已下单, 我买了好几件: a statement that happens to hold a question word
    score = min(1.0, 0.25 * asking + 0.25 * min(strength, 3.0))
    if score < 0.5:
        return None
    return QuestionVerdict(topic, round(score, 3))
