# ruff: noqa: E501  (phrase lists read best one row per line)
"""Generate the sensitive-content evaluation sets (data/detect/*.tsv).

sensitive.tsv: category<TAB>scope<TAB>transform<TAB>text. Hand-written spam, abuse, fraud,
prohibited-goods and ad-law sentences, each run through the evasions seen in live rooms
(separators, emoji, zero-width, full width, traditional characters, homophones, repeats,
styled digits). chatter.tsv: scope<TAB>text, ordinary commerce chatter that must stay clean,
seeded with the words generic dictionaries trip on (到货, 特价, 房间, 价格, usb, 稍微信任).

    pip install opencc-python-reimplemented   # build time only (traditional characters)
    python scripts/gen_detect_eval.py
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

from opencc import OpenCC  # type: ignore[import-untyped]

OUT = Path(__file__).resolve().parent.parent / "data" / "detect"
SEED = 7
S2T = OpenCC("s2t")

SENSITIVE: dict[str, list[str]] = {
    "contact_diversion": [
        "加我微信便宜卖", "想要的加微信私聊", "便宜出，加v详聊", "加vx领优惠券", "wx：abc12345",
        "看主页联系我", "主页有联系方式", "私信我给你更低价", "加qq 12345678", "qq号 987654321",
        "微信号 kk_sale888", "我的微信 13800138000", "v信 mm20240101", "扣扣 23456789 找我",
        "加我好友给你返现", "留个联系方式我发你", "拉你进群领福利", "进群抢免单", "微信找我拿货",
        "电话联系我 13912345678", "站外下单更便宜", "私下联系给你打折", "加个微信吧美女",
        "想要货源的加v", "企鹅号 55667788", "绿泡泡聊", "加我钉钉", "加微 shop9988",
        "vx 搜 yy_666888", "联系我 手机 15800001111",
    ],
    "fraud": [
        "刷单兼职日结三百", "好评返现五元", "五星好评返现十块", "私下交易更便宜", "网赌带你回本",
        "加群带你赚钱", "不走平台直接转账给我", "日入过万的项目", "稳赚不赔的投资", "内部渠道低价",
        "专业刷信誉", "代刷销量", "收购银行卡高价", "信用卡套现秒到", "晒图返现加我",
        "百家乐稳赢技巧", "博彩平台充值送", "躺赚项目了解一下", "跑分兼职", "贷款秒批无抵押",
    ],
    "abuse": [
        "主播是傻逼", "你个脑残", "弱智主播", "滚出去", "去死吧", "死全家", "你妈的", "草泥马",
        "狗东西别说话", "垃圾主播骗钱", "贱人", "王八蛋", "sb主播", "fuck you", "白痴一个",
        "神经病吧你", "丑八怪别播了", "他妈的什么东西", "人渣主播", "蠢货",
    ],
    "prohibited": [
        "有卖仿真枪的吗", "出售管制刀具", "迷药听话水货到付款", "冰毒有货", "大麻怎么买",
        "办证刻章", "代开发票", "针孔摄像头批发", "窃听器便宜卖", "电子烟一手货源",
        "象牙制品收藏", "穿山甲鳞片", "春药催情水", "k粉有吗", "假证包过",
    ],
    "ad_law": [
        "全网最低价", "这是国家级产品", "销量第一的面膜", "根治脱发", "史上最便宜",
        "独一无二的配方", "顶级工艺", "百分百纯天然", "无副作用放心用", "最佳选择",
        "唯一正品渠道", "治愈失眠", "立竿见影的效果", "世界级品质", "第一品牌",
    ],
}  # fmt: skip
HOMOPHONES = {"微": "薇威维", "信": "芯鑫", "刷": "唰", "返": "饭", "赌": "堵", "号": "好"}
SEPARATORS = [" ", ".", "-", "---", "*", "·", "/", "_", "~", "|", "❤", "😀", "⭐", "\u200b", "【】"]
STYLED = {
    "0": "⓪０〇零", "1": "①⑴⒈１一壹", "2": "②⑵⒉２二贰", "3": "③⑶⒊３三叁", "4": "④⑷⒋４四肆➃",
    "5": "⑤⑸⒌５五伍㈤", "6": "⑥⑹⒍６六陆", "7": "⑦⑺⒎７七柒", "8": "⑧⑻⒏８八捌", "9": "⑨⑼⒐９九玖",
}  # fmt: skip


def t_sep(rng: random.Random, s: str) -> str:
    sep = rng.choice(SEPARATORS)
    if sep == "【】":
        return "".join(f"【{c}】" if rng.random() < 0.4 else c for c in s)
    return sep.join(s)


def t_width(rng: random.Random, s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s.upper())


def t_trad(rng: random.Random, s: str) -> str:
    return str(S2T.convert(s))


def t_homophone(rng: random.Random, s: str) -> str:
    return "".join(rng.choice(HOMOPHONES[c]) if c in HOMOPHONES else c for c in s)


def t_repeat(rng: random.Random, s: str) -> str:
    return "".join(c * rng.choice((1, 1, 2, 3)) if not c.isdigit() else c for c in s)


def t_digits(rng: random.Random, s: str) -> str:
    return "".join(rng.choice(STYLED[c]) if c in STYLED else c for c in s)


def t_emoji(rng: random.Random, s: str) -> str:
    return "".join(c + rng.choice(("", "", "❤️", "👉", "✨", "\u200d")) for c in s)


TRANSFORMS: dict[str, Callable[[random.Random, str], str]] = {
    "plain": lambda rng, s: s,
    "separators": t_sep,
    "width_case": t_width,
    "traditional": t_trad,
    "homophone": t_homophone,
    "repeat": t_repeat,
    "digits": t_digits,
    "emoji_zero_width": t_emoji,
}
PRODUCTS = [
    "连衣裙",
    "口红",
    "面膜",
    "坚果",
    "羽绒服",
    "运动鞋",
    "保温杯",
    "耳机",
    "茶叶",
    "洗面奶",
]
CHATTER = [
    "主播好漂亮", "这个颜色好看", "多少钱啊", "有没有优惠券", "已下单", "什么时候发货", "尺码怎么选",
    "165穿什么码", "上链接", "好想要", "已拍两件", "包邮吗", "家人们冲", "这个价格太划算了",
    "到货很快", "特价还有吗", "链接在哪", "关注了", "适合学生吗", "房间价格多少", "usb接口的吗",
    "稍微信任一下主播", "因为信任才下单的", "路口交通不方便取快递", "可以微信支付吗", "第一次买",
    "最喜欢这个颜色", "你码数多少", "订单号 2024061112345 什么时候发", "收货地址能改吗", "担保交易吗",
    "抢购开始了吗", "上门安装吗", "女装有大码吗", "装修风格好看", "have a nice day", "class好看",
    "3号链接", "5号还有吗", "100斤穿什么码", "身高170体重130", "给我妈买的", "能开发票吗",
    "qq糖还有吗", "主页在哪看回放", "加购物车了", "加个购物车先", "已经加入粉丝团", "微胖能穿吗",
    "稍微大一点", "信号不好卡了", "微波炉能用吗", "说话好温柔", "最近在减肥", "最后一件了吗",
    "这个是正品吗", "假货的话能退吗", "会不会掉色", "质量太差了退款", "骗子吧这价格",
    "客服态度不好", "发货太慢了", "号码偏小吗", "手机壳有iphone15的吗", "电话手表有吗",
    "主播的耳环哪里买", "v领的有吗", "v脸神器", "vivo手机能用吗", "支持qq音乐吗",
    "扣子是金属的吗", "折扣力度大吗", "满300减50", "券后99", "第二件半价", "买二送一",
    "拍1发3", "前100名送礼品", "销量怎么样", "三黄鸡好吃吗", "新疆棉吗", "大麻花好吃",
    "香烟盒大小的充电宝", "开发票要多久", "刷卡可以吗", "刷新一下链接", "返场吗", "返利多少",
    "好评有礼吗", "晒图有奖励吗", "网购最怕色差", "赌一把买大码", "打赌这个会秒空", "博主推荐的",
    "代购的吗", "兼职主播吗", "枪色的有吗", "水枪玩具适合几岁", "刀具套装锋利吗", "弹弓钓鱼竿",
    "毒舌主播哈哈", "大神推荐一下", "神经酰胺面霜", "傻白甜风格", "二手的吗", "人渣反派自救系统周边",
    "你妈妈穿合适吗", "死贵死贵的", "我去看看", "草莓味的有吗", "滚筒洗衣机能洗吗", "狗狗能吃吗",
]  # fmt: skip
CHATTER_SPEECH = [
    "欢迎新进来的宝宝", "第一次来直播间的点个关注", "这款是我们最近上新的", "最后三分钟",
    "今天的价格是我们的直播间专属价", "我最喜欢这个颜色", "给大家看一下细节", "这个面料是纯棉的",
    "一号链接已经上架了", "拍下备注颜色", "我们支持七天无理由", "库存不多了", "下一款给大家上裙子",
    "这款销量很好", "大家可以看一下做工", "宝宝们可以放心拍", "今天福利价", "满减活动最终解释权归平台",
    "这个价格真的很划算", "我身高一六五穿的是M码",
]  # fmt: skip
OPEN = ["", "", "", "主播", "家人们", "姐妹们", "那个", "请问", "哈哈", "嗯"]
END = ["", "", "", "！", "？", "～", "哈哈", "😂", "👍", "。", "呀", "啊"]


def main() -> int:
    rng = random.Random(SEED)
    rows = []
    for category, sentences in SENSITIVE.items():
        scope = "speech" if category == "ad_law" else "comment"
        for sentence in sentences:
            for name, fn in TRANSFORMS.items():
                text = fn(rng, sentence)
                if name != "plain" and text == sentence:
                    continue  # the transform had nothing to change
                rows.append(f"{category}\t{scope}\t{name}\t{text}")
    chatter = set()
    while len(chatter) < 2500:
        core = rng.choice(CHATTER).replace("这个", rng.choice(["这个", "这款", "那个"]))
        if rng.random() < 0.3:
            core = f"{rng.choice(PRODUCTS)}{rng.choice(['', '的'])}{core}"
        chatter.add(("comment", f"{rng.choice(OPEN)}{core}{rng.choice(END)}"))
    for line in CHATTER_SPEECH:
        for end in ("", "！", "哦", "，家人们"):
            chatter.add(("speech", line + end))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sensitive.tsv").write_text(
        "# category<TAB>scope<TAB>transform<TAB>text; generated by scripts/gen_detect_eval.py\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    (OUT / "chatter.tsv").write_text(
        "# scope<TAB>text: ordinary commerce chatter that must not be flagged\n"
        + "\n".join(f"{s}\t{t}" for s, t in sorted(chatter))
        + "\n",
        encoding="utf-8",
    )
    print(f"sensitive.tsv {len(rows)} lines, chatter.tsv {len(chatter)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
