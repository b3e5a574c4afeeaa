# ruff: noqa: E501  (phrase lists read best one row per line)
"""Compositional phrases for the hard kinds, read by gen_sentiment_data.py.

The same bad fact is written into every frame a viewer uses: stated plainly (an implicit
complaint), after praise it contradicts (sarcasm), inside a question that complains, and
as the thing a neutral question worries about before buying (会不会起球？ 起球的话能退吗？).
The model then learns the frame, not the fact: a question that names a defect is neutral
when it asks about the future or a policy, a complaint when it says the defect happened.

`combos()` yields (label, category, core, text); `core` is the fact (or the praise, for
praise that uses negation), so the held-out split by core phrase keeps every fact of the
held-out share out of training in every frame.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

# A defect that happened: (aspect, past fact, the worry before buying as a bare verb phrase).
FACTS: list[tuple[str, str, str]] = [
    ("quality", "穿了一次就起球了", "起球"),
    ("quality", "洗了一次就缩水了", "缩水"),
    ("quality", "洗一次掉了一盆色", "掉色"),
    ("quality", "用了三天就坏了", "容易坏"),
    ("quality", "拉链一拉就掉了", "拉链不好用"),
    ("quality", "鞋底没走几步就开胶了", "开胶"),
    ("quality", "线头一抓一大把", "有线头"),
    ("quality", "屏幕一碰就花了", "屏幕容易花"),
    ("quality", "手柄一掰就断", "容易断"),
    ("quality", "盖子拧不紧一倒就洒", "漏"),
    ("quality", "充一晚上电只能用一会儿", "不耐用"),
    ("quality", "开机就死机", "卡"),
    ("quality", "蓝牙老是断连", "断连"),
    ("quality", "袖口走线全是歪的", "走线歪"),
    ("quality", "扣子缝得松松垮垮一扯就掉", "掉扣子"),
    ("quality", "布料薄得对着光能看见手", "透"),
    ("quality", "穿上一会儿就闷得全是汗", "闷"),
    ("quality", "帮子硬得磨破了后跟", "磨脚"),
    ("quality", "锅用了两次涂层就掉了", "掉涂层"),
    ("quality", "保温杯下午就凉透了", "不保温"),
    ("quality", "水壶烧出来一股铁锈味", "有异味"),
    ("quality", "包装一开满屋子刺鼻的味", "有味道"),
    ("quality", "被子里的棉花结成一坨坨", "结块"),
    ("quality", "枕头睡一晚就塌了", "塌"),
    ("quality", "牙刷毛刷两下就炸开了", "炸毛"),
    ("quality", "镜片上全是划痕", "有划痕"),
    ("quality", "口红一拧就断在管里", "断"),
    ("quality", "眼影粉飞得到处都是", "飞粉"),
    ("quality", "粉底一上脸就斑驳卡粉", "卡粉"),
    ("quality", "防晒涂完脸上油得反光", "油"),
    ("quality", "精华擦完满脸小疙瘩", "闷痘"),
    ("quality", "面霜抹了脸又红又痒", "过敏"),
    ("quality", "洗发水用完头发干得像草", "干"),
    ("quality", "零食一半都受潮软了", "受潮"),
    ("quality", "牛肉干咬不动跟木头一样", "硬"),
    ("quality", "水果一箱烂了一小半", "烂"),
    ("quality", "蜂蜜里全是白糖颗粒", "掺糖"),
    ("quality", "奶茶粉冲出来一股香精味", "香精味重"),
    ("quality", "大米里面有小虫子", "生虫"),
    ("quality", "茶叶泡出来全是碎渣", "碎"),
    ("quality", "香水喷完半小时就没味了", "不留香"),
    ("quality", "玩具边缘毛刺扎手", "扎手"),
    ("quality", "椅子坐上去一直晃", "晃"),
    ("quality", "桌子腿长短不一放不平", "不稳"),
    ("look", "穿上整个人胖了一圈", "显胖"),
    ("look", "颜色跟直播间看到的差了好几个色", "有色差"),
    ("look", "版型垮得像睡衣", "版型不好"),
    ("look", "上身显得腿短了一截", "显腿短"),
    ("look", "实物比图片小了一大圈", "比图片小"),
    ("look", "领口大得一弯腰就走光", "领口大"),
    ("look", "裤长短了一截吊在脚踝上", "短"),
    ("look", "平时穿M这件M紧得扣不上", "偏小"),
    ("look", "按尺码表买的大了两个码", "偏大"),
    ("look", "印花歪了半边", "印花歪"),
    ("look", "金色发来是土黄色", "颜色不正"),
    ("delivery", "下单八天了还没发货", "发货慢"),
    ("delivery", "物流五天没更新了", "物流慢"),
    ("delivery", "包裹在中转站躺了一个星期", "卡在路上"),
    ("delivery", "箱子到手是破的", "压坏"),
    ("delivery", "显示签收了可我根本没拿到", "丢件"),
    ("delivery", "拍了两件只到了一件", "少发"),
    ("delivery", "拍的蓝色寄来一件红色", "发错"),
    ("delivery", "冷链的东西到手全化了", "化"),
    ("delivery", "快递直接扔在门口淋湿了", "淋湿"),
    ("delivery", "预售说三天结果等了一个月", "等很久"),
    ("service", "找了客服三次都没人回", "客服不回"),
    ("service", "售后一直让我等等等", "售后拖"),
    ("service", "退货寄回去半个月了钱还没退", "退款慢"),
    ("service", "申请退款直接被拒了", "不给退"),
    ("service", "客服说这是正常现象不给处理", "不处理"),
    ("service", "运费险理赔一直不到账", "理赔不到"),
    ("service", "说好的补发到现在也没发", "不补发"),
    ("service", "在直播间问了十遍没人回", "没人回"),
    ("price", "下单第二天就降了五十", "降价"),
    ("price", "别的店同款便宜一半", "比别家贵"),
    ("price", "说好的赠品一个都没有", "没赠品"),
    ("price", "优惠券领了用不了", "券用不了"),
    ("price", "付完款才说要另加运费", "加运费"),
    ("fake", "扫防伪码显示查无此码", "假货"),
    ("fake", "拿去专柜一看是假的", "不是正品"),
    ("fake", "说是纯棉标签写的全涤", "不是纯棉"),
    ("fake", "说是真皮一烧就是塑料味", "不是真皮"),
    ("fake", "包装上连个厂址都没有", "三无"),
    ("quality", "外套穿了两回袖子就磨白了", "磨白"),
    ("quality", "毛衣挂了一下就抽丝了", "抽丝"),
    ("quality", "裤子蹲下去屁股就开线了", "开线"),
    ("quality", "包包的五金件全生锈了", "生锈"),
    ("quality", "皮面折一下就裂纹了", "裂"),
    ("quality", "耳钉戴了一天耳朵就红肿了", "耳朵过敏"),
    ("quality", "手链戴两天就褪成了铜色", "褪色"),
    ("quality", "数据线插上去接触不良", "接触不良"),
    ("quality", "吹风机吹一会儿就烫得拿不住", "发烫"),
    ("quality", "电饭煲煮出来的饭是夹生的", "夹生"),
    ("quality", "风扇一开嗡嗡响吵得睡不着", "噪音大"),
    ("quality", "加湿器第二天就不出雾了", "不出雾"),
    ("quality", "拖把杆一用力就弯了", "弯"),
    ("quality", "收纳箱一压就瘪了", "不结实"),
    ("quality", "雨伞一阵风就翻过去折了", "不抗风"),
    ("quality", "手表走一天慢了十分钟", "走时不准"),
    ("quality", "相框玻璃到手就裂成两半", "碎"),
    ("quality", "四件套洗完全是毛球", "掉毛球"),
    ("quality", "毛巾洗一次就硬邦邦", "变硬"),
    ("quality", "拖鞋穿两天鞋底就裂口了", "鞋底裂"),
    ("quality", "卸妆油洗完眼睛糊了一天", "糊眼"),
    ("quality", "睫毛膏一眨眼就晕成熊猫眼", "晕妆"),
    ("quality", "指甲油涂完第二天就剥落了", "掉"),
    ("quality", "牙膏刷完牙龈出血", "刺激"),
    ("quality", "洗衣液洗完衣服一股怪味", "有怪味"),
    ("quality", "猫粮打开猫闻了一下就走了", "不爱吃"),
    ("quality", "辣条咸得齁人", "太咸"),
    ("quality", "月饼皮一碰就掉渣里面是空的", "馅少"),
    ("quality", "酸奶到手就胀袋了", "胀袋"),
    ("quality", "鸡蛋碎了一半黏在盒子上", "碎蛋"),
    ("quality", "粽子打开米都是生的", "没熟"),
    ("quality", "螺蛳粉配料包漏了一箱子油", "漏油"),
    ("quality", "橙子酸得没法入口", "酸"),
    ("quality", "车厘子一半是软的烂的", "不新鲜"),
    ("quality", "海鲜到手已经发臭了", "不新鲜"),
    ("quality", "充电宝充着充着发烫鼓包了", "鼓包"),
    ("quality", "键盘好几个键按了没反应", "失灵"),
    ("quality", "鼠标滚轮转起来咔咔响", "有异响"),
    ("quality", "音箱音量一大就破音", "破音"),
    ("quality", "投影仪画面糊得看不清字", "不清楚"),
    ("look", "穿上去肩膀宽得像借来的", "肩宽"),
    ("look", "裙子短得一坐就露", "太短"),
    ("look", "腰身做得跟水桶一样", "没腰身"),
    ("look", "帽子戴上去卡在头顶", "小"),
    ("look", "鞋子穿上去脚背勒出一道印", "勒脚"),
    ("look", "羽绒服穿上像个大面包", "臃肿"),
    ("look", "白裙子到手是米黄色", "颜色不对"),
    ("look", "质感看着塑料感十足", "廉价"),
    ("look", "镜子一照我都认不出自己", "不好看"),
    ("delivery", "快递员没打电话直接放了驿站", "不送上门"),
    ("delivery", "付款后显示发货了三天物流还是空的", "虚假发货"),
    ("delivery", "东西在路上转了三个城市还没到", "绕路"),
    ("delivery", "说好的顺丰发来的是最慢的快递", "换快递"),
    ("delivery", "盒子里面的东西摔得稀碎", "摔碎"),
    ("delivery", "外包装上沾满了油", "脏"),
    ("delivery", "订单被莫名其妙取消了", "取消订单"),
    ("service", "客服复制粘贴同一句话回了我五遍", "机器人回复"),
    ("service", "一说退货客服就已读不回", "已读不回"),
    ("service", "售后电话永远占线", "打不通"),
    ("service", "在评论区问问题被移出直播间", "被踢"),
    ("service", "退货退回去了商家说没收到", "说没收到"),
    ("service", "让我拍视频拍照片折腾了一周还是不给退", "刁难"),
    ("service", "换货换来的还是坏的", "换货还坏"),
    ("price", "直播间价格比店铺首页还贵十块", "直播价贵"),
    ("price", "刚拍完下一场就买一送一", "下一场更便宜"),
    ("price", "满减算下来一分没少", "满减不减"),
    ("price", "价保申请了一直不通过", "价保不给"),
    ("fake", "说是进口的包装上全是中文小厂", "不是进口"),
    ("fake", "羊绒衫里一根羊毛都没有", "不是羊绒"),
    ("fake", "说是实木的里面是刨花板", "不是实木"),
    ("fake", "说是正品扫码跳到别的牌子", "不是正品"),
]
# What the praise claims, per aspect, for sarcasm: praise that the fact then contradicts.
PRAISE: dict[str, list[str]] = {
    "quality": [
        "质量真好",
        "做工真精细",
        "真耐用",
        "用料真扎实",
        "品质真过硬",
        "好结实",
        "太高级了",
        "真是好东西",
        "效果真明显",
        "太好用了",
        "质量杠杠的",
        "工艺一流",
        "真是一分钱一分货",
        "名牌品质",
        "好评如潮的产品",
    ],
    "look": [
        "真显瘦",
        "版型真好",
        "颜色真正",
        "上身效果真绝",
        "太好看了",
        "真是仙女款",
        "尺码真准",
    ],
    "delivery": ["物流真快", "发货真及时", "包装真用心", "快递真给力", "真是神速"],
    "service": ["客服真热情", "服务真周到", "售后真负责", "客服真贴心", "态度真好"],
    "price": ["价格真良心", "真划算", "真实惠", "优惠力度真大", "真是捡到便宜了"],
    "fake": ["真是正品", "不愧是大牌", "品牌就是不一样", "旗舰店就是靠谱", "保真啊"],
}
SARCASM_FRAMES = [
    "{praise}，{fact}",
    "{praise}啊，{fact}",
    "{praise}呢，{fact}",
    "真是{praise2}，{fact}",
    "{praise}，{fact}，真棒",
    "{fact}，{praise}",
    "{fact}，真是{praise2}",
    "{fact}，绝了",
    "{fact}，佩服",
    "{fact}，好评",
    "{fact}，五星好评送给你们",
    "{fact}，谢谢主播",
    "谢谢主播，{fact}",
    "感谢推荐，{fact}",
    "主播说闭眼入，{fact}",
    "主播说放心买，{fact}",
    "说是爆款，{fact}",
    "好家伙，{fact}",
    "太惊喜了，{fact}",
    "开心死了，{fact}",
    "厉害了，{fact}",
    "恭喜我自己，{fact}",
    "我真是太幸运了，{fact}",
    "哇，{fact}，长见识了",
]
# A complaint phrased as a question: the fact happened, the question asks for an account.
QC_FRAMES = [
    "为什么{fact}？",
    "怎么{fact}？",
    "{fact}，怎么回事？",
    "{fact}，这正常吗？",
    "{fact}，你们管不管？",
    "{fact}，有人管吗？",
    "{fact}，怎么解释？",
    "{fact}，谁来负责？",
    "{fact}，能不能上点心？",
    "{fact}，还让不让人买了？",
    "{fact}，这也好意思卖？",
    "{fact}，你们自己用过吗？",
    "{fact}，是我运气不好吗？",
    "{fact}，我是冤大头吗？",
    "{fact}，谁受得了？",
    "{fact}，当我们好骗吗？",
    "{fact}，你们品控在干嘛？",
    "{fact}，客服人呢？",
    "{fact}，退不退？",
    "{fact}，给个说法行吗？",
    "{fact}，就这还卖这么贵？",
    "有没有人跟我一样{fact}？",
    "是不是只有我{fact}？",
    "凭什么{fact}？",
    "到底为啥{fact}？",
    "{fact}，这是什么质量？",
    "{fact}，这就是你们说的好货？",
    "{fact}，你们不觉得过分吗？",
]
# Claims a complaint question throws back (这就是你们说的X？).
CLAIMS = [
    "加厚", "纯棉", "真丝", "真皮", "正品", "大牌平替", "不掉色", "不起球", "显瘦", "当天发",
    "顺丰包邮", "七天无理由", "买一送一", "源头工厂", "专柜品质", "孕妇可用", "零添加", "现货",
    "保价", "防水", "静音", "长续航", "百分百羊毛", "有机", "新鲜现摘", "纯手工", "保真",
]  # fmt: skip
CLAIM_FRAMES = [
    "这就是你们说的{c}？", "这也叫{c}？", "这哪里{c}了？", "说好的{c}呢？", "{c}在哪呢？",
    "你管这叫{c}？", "不是说{c}吗？怎么这样", "说好{c}，现在算什么？",
]  # fmt: skip
# Neutral questions built from the same worries: about the future, a policy or a hypothesis.
NEUTRAL_FRAMES = [
    "会不会{worry}？",
    "如果{worry}能退吗？",
    "{worry}的话怎么办？",
    "万一{worry}包退吗？",
    "{worry}吗？",
    "这个会{worry}吗？",
    "穿久了会{worry}吗？",
    "用久了会不会{worry}？",
    "{worry}可以换吗？",
    "有人说{worry}，是真的吗？",
    "评论里说{worry}，现在还这样吗？",
    "之前买的有点{worry}，这批改进了吗？",
    "担心{worry}，主播说说",
    "怕{worry}，有运费险吗？",
    "{worry}算质量问题吗？",
    "{worry}的话售后怎么处理？",
]
# Frames that fit any aspect (会不会客服不回？), not only a product's wear.
ANY_ASPECT = 4
# Praise that uses negation, from the same worries: the defect did not happen.
NEGATED_FRAMES = [
    "一点都不{worry}",
    "完全没有{worry}的问题",
    "本来怕{worry}，结果一点没有",
    "担心{worry}，收到发现多虑了",
    "穿了好几次都没{worry}",
    "用了一个月也没{worry}",
    "看评论说{worry}，我这个没有",
    "不{worry}，很满意",
    "没有{worry}，放心买",
    "以为会{worry}，其实不会",
]
# Statements of a fact with an everyday lead: implicit complaints.
IMPLICIT_LEADS = [
    "", "", "", "收到了，", "刚拆开，", "到手发现", "今天一看", "用了才发现", "拿到手", "说实话，",
    "唉，", "家人们，", "第一次买，", "上次买的，", "给我妈买的，", "穿出去才发现",
]  # fmt: skip


def combos(rng: random.Random) -> Iterator[tuple[int, str, str, str]]:
    """Yield (label, category, core, text) rows of every frame, a few draws per fact."""
    for aspect, fact, worry in FACTS:
        praise = PRAISE[aspect]
        for lead in rng.sample(IMPLICIT_LEADS, 4):
            yield 1, "implicit", fact, f"{lead}{fact}"
        for frame in rng.sample(SARCASM_FRAMES, 4):
            p = rng.choice(praise)
            p2 = p[1:] if p.startswith("真") and len(p) > 2 else p
            yield 1, "sarcasm", fact, frame.format(praise=p, praise2=p2, fact=fact)
        for frame in rng.sample(QC_FRAMES, 5):
            yield 1, "question_complaint", fact, frame.format(fact=fact)
        wear = aspect in ("quality", "look")  # 穿久了会起球吗 fits wear, not service
        for frame in rng.sample(NEUTRAL_FRAMES if wear else NEUTRAL_FRAMES[:ANY_ASPECT], 4):
            yield 0, "question", fact, frame.format(worry=worry)
        if wear:
            for frame in rng.sample(NEGATED_FRAMES, 3):
                yield 0, "negated", fact, frame.format(worry=worry)
    for claim in CLAIMS:
        for frame in rng.sample(CLAIM_FRAMES, 3):
            yield 1, "question_complaint", claim, frame.format(c=claim)
        # the same claim asked about before buying is a neutral question
        for frame in rng.sample(
            ("是{c}吗？", "真的是{c}吗？", "请问是{c}的吗？", "确定{c}吗？"), 2
        ):
            yield 0, "question", claim, frame.format(c=claim)


# Neutral questions about refunds, sizes and shipping: policy words, no complaint.
POLICY = [
    "退款",
    "退货",
    "换货",
    "补差价",
    "运费险",
    "开发票",
    "价保",
    "售后",
    "改地址",
    "取消订单",
    "换尺码",
    "退差价",
]
POLICY_FRAMES = [
    "{x}怎么申请？", "{x}要多久？", "{x}需要什么条件？", "可以{x}吗？", "{x}找谁？", "{x}在哪里操作？",
    "{x}的话运费谁出？", "拍完了还能{x}吗？", "{x}要寄回去吗？", "{x}几天到账？",
]  # fmt: skip
PLACES = ["新疆", "西藏", "海南", "内蒙古", "香港", "青海", "东北", "农村", "山区", "北京五环外"]
PLACE_FRAMES = ["发{x}要几天？", "{x}能发吗？", "{x}包邮吗？", "{x}走什么快递？", "{x}运费多少？"]
SIZES = [
    "90斤",
    "100斤",
    "120斤",
    "140斤",
    "160斤",
    "180斤",
    "身高155",
    "身高170",
    "腰围二尺二",
    "脚长25",
]
SIZE_FRAMES = [
    "{x}穿什么码？",
    "{x}拿M还是L？",
    "{x}穿均码会不会小？",
    "{x}能穿吗？",
    "{x}选哪个尺码？",
]


def policy_questions(rng: random.Random) -> Iterator[tuple[int, str, str, str]]:
    """Yield neutral questions about refunds, shipping and sizes as (0, category, core, text)."""
    for words, frames in ((POLICY, POLICY_FRAMES), (PLACES, PLACE_FRAMES), (SIZES, SIZE_FRAMES)):
        for x in words:
            for frame in rng.sample(frames, 3):
                yield 0, "question", x, frame.format(x=x)


# Neutral statements in the facts' vocabulary (发货, 快递, 路上, 同款, 收到, 客服 …): the
# facts above must not make these words negative by themselves.
STATEMENTS = [
    "已付款，等发货", "刚付款，坐等发货", "拍了两件，等发货", "下单了，等快递", "快递在路上了",
    "快递到我们市了", "明天就能到", "等快递中", "快递到驿站了，下班去拿", "收到了还没拆",
    "刚拆开还没试", "洗了一遍，准备穿", "买过同款，这次换个颜色", "同款黑色也拍了", "跟我上次买的是同款",
    "我妈有件同款", "闺蜜买了同款", "客服回复了，地址改好了", "退款到账了，谢谢客服", "运费险理赔到了",
    "换货的已经寄回去了", "价格跟上次一样", "今天比昨天便宜了，赶上了", "等了两天就到了", "发货挺快的",
    "包装完好，还没用", "先收藏了，等活动", "加购了，等发工资", "给我妈买的，等她试试", "刚穿上，去上班了",
    "在等那个颜色补货", "等主播讲完这个", "等下一轮秒杀", "等福袋开奖", "还在路上，不着急",
    "我是第二次买了", "上次的还没用完", "用了一周，再看看效果", "已经洗了，晾着呢", "码数问了客服，拍了M",
]  # fmt: skip
STATEMENT_LEADS = ["", "", "", "主播", "家人们", "姐妹们，", "说一下，", "哈哈"]
STATEMENT_ENDS = ["", "", "", "~", "。", "！", "哈哈", "😊"]


def statements(rng: random.Random) -> Iterator[tuple[int, str, str, str]]:
    """Yield neutral statements about orders, parcels and owning as (0, category, core, text)."""
    for core in STATEMENTS:
        for _ in range(4):
            text = f"{rng.choice(STATEMENT_LEADS)}{core}{rng.choice(STATEMENT_ENDS)}"
            yield 0, "chatter", core, text
