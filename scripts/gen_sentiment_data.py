# ruff: noqa: E501  (phrase lists read best one row per line)
"""Generate the in-domain labeled set of live-commerce comments (data/sentiment/*.tsv).

Hand-written phrase lists (complaints by category, slang, sarcasm, praise, questions,
negated complaints, ordinary chatter) are combined with products, openers and endings.
The held-out split is chosen by core phrase, so no held-out phrase is seen in training:

    python scripts/gen_sentiment_data.py            # --check: exit 1 if the files differ

Output lines: label<TAB>category<TAB>text, label 1 = negative, 0 = not negative.
"""

from __future__ import annotations

import hashlib
import random
import sys
from itertools import chain
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sentiment_facts import fact_combos
from sentiment_phrases import (
    IMPLICIT,
    NEGATED_PRAISE,
    NEUTRAL_QUESTIONS,
    QUESTION_COMPLAINTS,
    SLANG,
)
from sentiment_phrases import (
    SARCASM as SARCASM_FACT,
)
from sentiment_templates import combos, policy_questions, statements

OUT = Path(__file__).resolve().parent.parent / "data" / "sentiment"
SEED = 20240611
HELDOUT_BUCKETS = 5  # one bucket in five of the core phrases is held out

PRODUCTS = [
    "衣服", "裙子", "外套", "裤子", "鞋子", "口红", "面膜", "粉底", "零食", "坚果", "杯子", "耳机",
    "包包", "手机壳", "洗面奶", "茶叶", "被子", "毛衣", "羽绒服", "锅", "牛肉干", "精华", "帽子",
    "围巾", "袜子", "充电宝", "台灯", "蜂蜜", "奶粉", "拖鞋", "T恤", "卫衣", "大衣", "香水",
]  # fmt: skip
OPEN_NEG = [
    "", "", "", "主播", "家人们", "姐妹们", "我去", "说实话", "收到了，", "刚拆开，", "上次买的", "妈呀",
    "真的", "服了，", "天呐", "emmm", "大家注意，", "避雷！", "买过的都知道，", "昨天到的，", "唉，",
]  # fmt: skip
END_NEG = [
    "", "", "", "！", "！！", "。", "...", "😡", "😤", "🙄", "，大家别买", "，气死了", "，再也不买了",
    "，差评", "，无语", "啊", "了", "，什么玩意", "，退钱", "，坑死了", "？？？", "，心累",
]  # fmt: skip
OPEN_POS = [
    "", "", "", "主播", "家人们", "姐妹们", "哇", "说实话", "收到了，", "刚拆开，", "上次买的", "真的",
    "第二次买了，", "回购了，", "天呐", "昨天到的，", "已经穿上了，", "妈妈说",
]  # fmt: skip
END_POS = [
    "", "", "", "！", "！！", "。", "~", "😍", "👍", "❤️", "，爱了", "，还会再买", "，推荐", "，冲",
    "，好评", "啊", "哈哈哈", "，太值了", "，支持主播", "~~", "🥰",
]  # fmt: skip
END_NEUTRAL = ["", "", "", "？", "?", "。", "呀", "呢", "啊", "~", "😊", "🤔", "哈"]

# Complaints by category. {p} is a product slot.
NEGATIVE: dict[str, list[str]] = {
    "fake": [
        "这是假货",
        "收到的是高仿",
        "根本不是正品",
        "{p}跟专柜的完全不一样",
        "防伪码查不到",
        "logo都印歪了",
        "明显是山寨货",
        "吊牌都是假的",
        "和直播间展示的不是一个东西",
        "实物和图片差太多",
        "色差也太大了",
        "买家秀和卖家秀两回事",
        "专柜验了说是假的",
        "包装粗糙一看就是仿的",
        "{p}是a货吧这做工",
        "这{p}就是三无产品",
        "以次充好",
        "货不对板",
        "跟描述完全不符",
        "说是纯棉结果是化纤",
        "说好的真皮是人造革",
        "说是进口的其实是国产贴牌",
        "商标都没有",
        "同款别家才二十，这是假的吧",
        "冒牌货也敢卖",
        "盗版的",
        "仿得太明显了",
        "跟宣传图一点都不像",
        "说是正品结果鉴定是假的",
        "防伪标签一刮就掉",
        "味道和正品完全不一样",
        "这{p}是拼夕夕同款吧",
    ],
    "refund": [
        "退款一直不处理",
        "申请退货被拒了",
        "仅退款都不给",
        "说好的七天无理由呢",
        "退货运费还要我出",
        "退款退了半个月还没到账",
        "客服就是不给退",
        "售后电话打不通",
        "我要投诉你们",
        "我要去12315投诉",
        "等着吃差评吧",
        "钱到底什么时候退",
        "退货地址都不给",
        "一直让我等等等，退款呢",
        "退个款比登天还难",
        "拒收了还不给退",
        "售后就是摆设",
        "退了货钱没退",
        "售后踢皮球不给退款",
        "申请了三次退款都被驳回",
        "运费险也不给赔",
        "要退款还要我自己拍视频证明",
        "退货寄回去了商家说没收到",
        "说好的坏了包退呢",
        "质量问题都不给换",
        "申请售后没人管",
    ],
    "quality": [
        "质量太差了",
        "穿一次就起球",
        "洗一次就掉色",
        "线头到处都是",
        "拉链第二天就坏了",
        "鞋底开胶了",
        "一股刺鼻的味道",
        "用了烂脸",
        "涂了过敏起疹子",
        "屏幕有坏点",
        "才用两天就坏了",
        "做工太粗糙",
        "面料又薄又透",
        "尺码严重偏小",
        "吃起来一股怪味",
        "{p}过期了",
        "打开就发霉了",
        "口红一拧就断",
        "杯子漏水",
        "{p}质量真不行",
        "{p}缩水得厉害",
        "一洗就变形",
        "{p}有个大破洞",
        "充不进电",
        "用了一次就不亮了",
        "拿到手就是坏的",
        "{p}开线了",
        "颜色脏兮兮的",
        "里面有头发",
        "{p}是臭的",
        "硬得咬不动",
        "吃了拉肚子",
        "甜得发齁根本没法吃",
        "味道很冲",
        "蜂蜜是糖水兑的",
        "{p}掉毛严重",
        "质量拉胯",
        "垃圾质量",
        "简直是次品",
        "瑕疵一大堆",
        "{p}变质了",
        "{p}扎得皮肤疼",
        "穿着勒得慌还掉色",
        "印花一搓就掉",
    ],
    "delivery": [
        "一个星期了还没发货",
        "说好48小时发货呢",
        "物流三天没更新",
        "快递丢件了",
        "发错颜色了",
        "少发了一件",
        "赠品没给",
        "包裹被压烂了",
        "催了好几次都不发",
        "预售等了一个月还没到",
        "下单十天了还在仓库",
        "显示签收了我根本没收到",
        "快递员态度差还不送上门",
        "发货慢得离谱",
        "物流慢死了",
        "为什么还不发货",
        "怎么还没发",
        "到底什么时候发货，都一周了",
        "说好的顺丰结果发的最慢的",
        "漏发了配件",
        "{p}到手就压坏了",
        "一直显示待揽收",
        "拍了三天还不发",
        "凭什么别人都到了我的还没发",
    ],
    "price": [
        "昨天买今天就降价",
        "买贵了",
        "比别家贵一百",
        "先涨价再打折，割韭菜",
        "纯纯智商税",
        "{p}根本不值这个价",
        "价格虚高",
        "直播间比旗舰店还贵",
        "优惠券根本用不了",
        "满减是假的",
        "刚买完就降了五十，不给补差价",
        "说是全年最低，结果第二天更便宜",
        "原价是虚标的",
        "这价格坑钱",
        "卖这么贵坑人",
        "{p}成本十块卖一百",
        "被割了",
        "大冤种就是我",
        "价保也不给",
        "说是福利价其实比平时还贵",
    ],
    "attitude": [
        "客服态度太差",
        "问了半天没人回",
        "客服爱答不理",
        "主播不理人",
        "一直踢皮球",
        "说话好凶",
        "把我拉黑了",
        "敷衍了事",
        "问尺码也不回复",
        "场控乱删评论",
        "客服说话阴阳怪气",
        "问个问题被怼了",
        "主播就知道催下单不回答问题",
        "客服机器人一样只会复制粘贴",
        "售后甩锅给快递",
        "态度恶劣",
        "主播不耐烦",
        "提个问题就被禁言",
        "客服一直已读不回",
        "态度差到极点",
    ],
    "scam": [
        "骗子主播",
        "虚假宣传",
        "都是托",
        "评论全是水军",
        "套路太深",
        "被忽悠了",
        "黑心商家",
        "演戏呢这是",
        "说的天花乱坠收到就那样",
        "坑人的",
        "骗人的玩意",
        "就是诈骗",
        "说好的送赠品是骗人的",
        "抽奖都是内定的",
        "全是套路",
        "这个直播间专门骗老人",
        "夸大宣传",
        "黑店",
        "坑爹",
        "说得好听收到就傻眼",
    ],
}
# Slang and sarcasm: negative without a plain complaint word.
SARCASM = [
    "好个屁", "呵呵，真是好质量", "谢谢你啊让我交了智商税", "真行啊一个月了还没发", "可真会做生意",
    "绝了这质量，一穿就破", "我真是服了", "无语死了", "翻车了", "踩雷了", "避雷避雷",
    "狗都不买", "下头", "一言难尽", "呵呵呵", "真是棒棒的呢，第二天就坏", "我谢谢你全家",
    "这也叫正品？笑死", "就这？", "就这还敢卖这么贵", "真是开了眼了", "长见识了，这么烂的{p}",
    "主播你自己用吗？良心不痛吗", "还好意思说是大牌", "醉了", "心态崩了", "气到失眠",
    "我真是大冤种", "血亏", "后悔死了", "还不如地摊货", "拼夕夕都比这强", "别来沾边",
    "谁买谁后悔", "买了个寂寞", "货到了，人傻了", "收到{p}的那一刻我沉默了",
    "原来是我想多了，这{p}真够可以的", "牛啊，包装比东西还值钱", "感谢主播让我认清现实",
    "好评是不可能好评的", "质量好到穿一次就进垃圾桶", "这做工，我奶奶闭眼缝的都比这强",
    "呵呵，还说七天无理由", "太绝了，洗一次小了两个码", "服气，客服比我还忙",
]  # fmt: skip
POSITIVE = [
    "质量很好", "已回购", "主播好美", "穿着很舒服", "物流超快", "性价比很高", "客服很耐心",
    "宝贝收到了很喜欢", "绝绝子", "yyds", "冲冲冲", "爱了爱了", "好看到哭", "闭眼入",
    "无限回购", "666", "太划算了", "给主播点赞", "{p}质感超好", "颜色很正", "尺码很标准",
    "面料软软的", "味道很香", "吃完还想买", "用了皮肤变好了", "做工精细", "包装很用心",
    "隔天就到了", "跟专柜一模一样，放心", "送人很有面子", "老人家很喜欢", "孩子很爱吃",
    "比想象中好", "价格真的良心", "主播讲得很专业", "赠品也很实用", "{p}很好用", "上身效果绝了",
    "买了三件都很满意", "一点色差都没有", "第三次回购了", "主播人美心善", "种草了",
    "这个价格太香了", "下次还来", "朋友推荐来的果然不错", "手感很好", "款式很新",
    "{p}很百搭", "正品无疑", "闻着很清新", "很保暖", "大小刚好", "很划算，已下单",
]  # fmt: skip
CHATTER = [
    "多少钱", "上链接", "几号链接", "有没有优惠券", "165穿什么码", "包邮吗", "主播讲一下面料",
    "来了来了", "关注了", "已拍", "黑色还有吗", "可以试一下白色吗", "身高160体重100穿什么码",
    "{p}还有货吗", "主播今天几点下播", "明天还有这个价吗", "有没有大码", "能送到新疆吗",
    "主播身高多少", "这个{p}适合送妈妈吗", "拍了两件", "刚进来，讲的什么", "讲一下尺码",
    "求讲解三号", "{p}有几个颜色", "主播穿的是哪个色", "可以用花呗吗", "主播早上好",
    "打卡", "签到", "我是新粉", "晚上好", "学生党适合吗", "油皮能用吗", "敏感肌可以用吗",
    "保质期多久", "一份几克", "几天能到", "发什么快递", "有运费险吗", "赠品是什么",
    "再讲一遍优惠", "买一送一吗", "主播换个背景吧", "福袋什么时候开", "等抽奖",
    "已点关注", "粉丝团怎么加", "还有库存吗", "下一个上什么", "再上一次吧",
    "加购物车了", "已加购", "等发工资再买", "给我妈买一件", "我在上班偷偷看", "今天穿的好看",
    "主播几点开播", "背景音乐叫什么", "链接怎么没了", "刷新一下就有了", "拍到了", "没抢到",
    "手慢了没抢到", "还会返场吗", "下次什么时候上", "能便宜点吗", "有试用装吗", "能备注生日快乐吗",
    "北方冬天够暖吗", "南方穿会热吗", "孕妇能用吗", "几岁孩子能吃", "一天吃几颗", "怎么保存",
    "要冷藏吗", "可以机洗吗", "会起静电吗", "什么材质", "产地是哪里", "有没有小样", "能定制吗",
    "有礼盒装吗", "主播的发型好看", "主播今天状态真好", "这首歌好听", "哈哈哈笑死", "主播好可爱",
    "在线等", "已关注求回关", "点点关注不迷路", "来了老弟", "第一次看直播", "每天都来",
    "信号不好卡住了", "画面卡了", "声音小了点", "主播靠近点看看", "再展示一下背面", "看看细节",
    "能看一下上身吗", "模特多高", "平时穿什么码", "腰围70穿什么", "脚长24穿几码", "宽脚能穿吗",
    "和上次那款比哪个好", "两个颜色哪个显白", "黄皮选哪个", "干皮选哪个", "有男款吗", "情侣款有吗",
    "满减怎么算", "券在哪领", "领不到券", "优惠券用完了吗", "可以叠加吗", "会员有折扣吗",
    "几号发货", "发哪个快递", "江浙沪包邮吗", "偏远地区发吗", "能指定快递吗", "可以到付吗",
    "路口交通不方便，能放驿站吗", "稍微大一码可以吗", "买来送人的", "第一次买这个牌子",
    "最喜欢主播推荐的东西", "这个和旗舰店一样吗", "主播用的是哪个色号", "家里有猫能用吗",
    "老公让我买的", "闺蜜推荐来的", "刚下班赶上了", "终于等到了", "蹲了好久", "盲拍了",
]  # fmt: skip
# Openers and endings every class shares, so they carry no label.
OPEN_ANY = ["", "", "", "那个", "嗯", "哈哈", "请问", "主播", "姐妹们", "家人们", "我想说", "话说"]
# Questions that mention complaint words: an inquiry, not a complaint.
QUESTIONS = [
    "是正品吗", "不是假货吧？", "会不会掉色", "起球吗", "可以退款吗", "支持七天无理由退货吗",
    "质量怎么样", "会过敏吗", "几天发货", "会不会降价", "是不是高仿", "有色差吗", "会缩水吗",
    "洗了会不会变形", "退货运费谁出", "坏了能换吗", "是假的吗", "有没有异味", "会不会很薄",
    "发货快吗", "质量好不好", "不满意可以退吗", "有质量问题怎么办", "过敏了能退吗",
    "能开发票吗", "是不是正品啊", "有没有防伪码", "售后怎么联系", "会不会开胶",
    "掉毛吗", "怎么退货", "保价吗", "降价了能补差价吗", "漏水吗", "有没有破损险",
]  # fmt: skip
# Negated complaints: not negative.
NEGATED = [
    "不难看", "一点都不掉色", "没有异味", "不起球", "没有色差", "质量不差", "发货不慢",
    "客服态度不差", "不是假货放心买", "完全没有过敏", "不贵", "没踩雷", "没有线头",
    "一点也不薄", "不缩水", "没有破损", "不会卡顿", "不掉毛", "没有任何瑕疵", "不坑",
    "一点都不臭", "没有开胶", "不漏水", "不是智商税，真的好用", "没有想象中那么难用",
    "不会过敏", "并没有色差", "不假，验过了", "不刺鼻", "不是次品", "没有坏",
]  # fmt: skip

# Praise then a complaint (the complaint wins), and worries that turned out fine (they don't).
BUT_NEG = [
    "好看是好看，就是{q}", "便宜是便宜，但是{q}", "主播人挺好，可惜{q}", "款式不错，但{q}",
    "别的都还行，就是{q}", "第一次买还行，这次{q}", "本来挺期待的，结果{q}",
]  # fmt: skip
BUT_Q = [
    "掉色严重", "起球了", "发货太慢", "客服不理人", "尺码不准", "有股怪味", "退款不给处理",
    "质量一般般还贵", "一洗就缩水", "线头太多", "色差很大", "快递压坏了", "用两天就坏了",
]  # fmt: skip
WORRY_POS = [
    "本来以为是假货，结果是正品", "担心会掉色，洗了几次都没掉", "以为会起球，并没有",
    "都说物流慢，我两天就到了", "还怕买贵了，对比了一下是最便宜的", "怕过敏试了一下完全没事",
    "看评论有人说质量差，我收到的挺好", "原以为是智商税，用了真香", "怕是高仿，专柜验了是真的",
    "刚开始觉得贵，用了觉得值", "说是有异味，我这个没有", "担心尺码偏小，结果刚刚好",
]  # fmt: skip


def bucket(key: str) -> int:
    """Return the stable split bucket of a core phrase."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % HELDOUT_BUCKETS


def fill(rng: random.Random, phrase: str) -> str:
    return phrase.replace("{p}", rng.choice(PRODUCTS)) if "{p}" in phrase else phrase


def generate() -> tuple[list[str], list[str]]:
    rng = random.Random(SEED)
    rows: dict[str, tuple[int, str, str]] = {}  # text -> (label, category, core)

    def add(
        label: int, category: str, core: str, opens: list[str], ends: list[str], n: int
    ) -> None:
        for _ in range(n):
            body = fill(rng, core)
            if rng.random() < 0.3:  # a product named up front, in every class alike
                body = f"{rng.choice(PRODUCTS)}{rng.choice(['', '的', '，'])}{body}"
            text = f"{rng.choice(opens)}{body}{rng.choice(ends)}".strip("，")
            rows.setdefault(text, (label, category, core))

    for category, phrases in NEGATIVE.items():
        for core in phrases:
            add(1, category, core, OPEN_NEG + OPEN_ANY, END_NEG + END_NEUTRAL, 9)
    for core in SARCASM:
        add(1, "general", core, OPEN_NEG + OPEN_ANY, END_NEG + END_NEUTRAL, 8)
    for core in POSITIVE:
        add(0, "positive", core, OPEN_POS + OPEN_ANY, END_POS + END_NEUTRAL, 8)
    for core in CHATTER:
        add(
            0,
            "chatter",
            core,
            ["", "", "主播", "请问", "姐妹们", "家人们", "主播，"],
            END_NEUTRAL,
            7,
        )
    for core in QUESTIONS:
        add(
            0,
            "question",
            core,
            ["", "", "主播", "请问", "想问下", "这个{p}"],
            ["", "？", "?", ""],
            6,
        )
    for core in NEGATED:
        add(0, "negated", core, OPEN_POS, END_POS, 8)
    for frame in BUT_NEG:
        for q in BUT_Q:
            add(1, "general", frame.replace("{q}", q), ["", *OPEN_NEG[:6]], END_NEUTRAL, 2)
    for core in WORRY_POS:
        add(0, "worry", core, OPEN_POS, END_POS + END_NEUTRAL, 8)
    # The hard kinds (scripts/sentiment_phrases.py): plain endings, so the fact carries the label.
    for phrases in IMPLICIT.values():
        for core in phrases:
            add(1, "implicit", core, OPEN_NEG[:12] + OPEN_ANY, END_NEUTRAL + END_NEG[:8], 7)
    for core in SARCASM_FACT:
        add(
            1,
            "sarcasm",
            core,
            ["", "", "", "呵呵，", "哇，", "家人们，"],
            [*END_NEUTRAL, "😅", "🙂"],
            7,
        )
    for core in QUESTION_COMPLAINTS:
        add(
            1,
            "question_complaint",
            core,
            ["", "", "主播", "客服", "请问", "我想问问"],
            ["", "？", "??", "！"],
            6,
        )
    for core in SLANG:
        add(1, "slang", core, OPEN_NEG[:12] + OPEN_ANY, END_NEUTRAL + END_NEG[:8], 6)
    for core in NEUTRAL_QUESTIONS:
        add(
            0,
            "question",
            core,
            ["", "", "主播", "请问", "想问下", "这个{p}", "姐妹们"],
            ["", "？", "?", "呀", "啊"],
            6,
        )
    for core in NEGATED_PRAISE:
        add(0, "negated", core, OPEN_POS, END_POS + END_NEUTRAL, 7)
    # One fact in every frame (scripts/sentiment_templates.py), a separate random stream so
    # the rows above stay as they were.
    frames = random.Random(SEED + 1)
    for label, category, core, text in chain(
        combos(frames), policy_questions(frames), statements(frames)
    ):
        opener = frames.choice(["", "", "", "主播", "主播，", "家人们", "姐妹们，"])
        rows.setdefault(f"{opener}{text}", (label, category, core))
    # More facts across product types, the host and the room (scripts/sentiment_facts.py),
    # in a stream of their own so the rows above stay as they were.
    more = random.Random(SEED + 2)
    for label, category, core, text in fact_combos(more):
        opener = more.choice(["", "", "", "主播", "主播，", "家人们", "姐妹们，"])
        rows.setdefault(f"{opener}{text}", (label, category, core))
    train, heldout = [], []
    for text, (label, category, core) in rows.items():
        text = fill(rng, text)
        line = f"{label}\t{category}\t{text}"
        (heldout if bucket(core) == 0 else train).append(line)
    rng.shuffle(train)
    rng.shuffle(heldout)
    return train, heldout


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    train, heldout = generate()
    header = (
        "# label<TAB>category<TAB>text; label 1 = negative. "
        "Generated by scripts/gen_sentiment_data.py\n"
    )
    files = {
        OUT / "train.tsv": header + "\n".join(train) + "\n",
        OUT / "heldout.tsv": header + "\n".join(heldout) + "\n",
    }
    if check:  # the committed sets are what this script writes
        stale = [p.name for p, text in files.items() if p.read_text("utf-8") != text]
        if stale:
            print(f"stale: {', '.join(stale)}; run scripts/gen_sentiment_data.py", file=sys.stderr)
            return 1
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    print(f"train {len(train)} lines, held-out {len(heldout)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
