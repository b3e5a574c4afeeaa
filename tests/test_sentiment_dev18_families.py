"""Negative sentiment, the dev18 and dev19 round's families, in sentences of our own (none
copied from the sets): a share dead or rotten, shrunk once prepared, a foreign thing inside,
dye in the wash water, a pinch or a burn that won't stop; stopped working on the first day or
after a few uses; worse than the last time; not what the label or the host says; pairs that
don't match; a promise missing or changed after paying; still not done, a shop or group gone;
the perpetual last batch, a lesson read off the slides, no product for an hour; the packaging
heavier than the goods; and, asked, nobody tested it, last time against this time, how dare
you sell it, why wasn't I told, who pays the difference; praise belied by what follows (fresh
and limp, quiet and the whole building awake, limited and everywhere, identical except for
everything). Neutral questions, praise that uses negation and chatter in the same words stay
clean."""

from __future__ import annotations

import pytest

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from tests.detect_support import fresh_detector, rules_only
from tests.sentiment_families import family_checks

CONFIG = load_config(default_config_path())

FLAGGED = [
    # a share dead or rotten; shrunk once prepared; a foreign thing inside
    "一箱桃子，烂了一半",
    "活虾到家死了一大半",
    "一盒草莓，六个都发霉",
    "木耳泡发后就剩这么一点",
    "牛肉干晒干了只剩那么点",
    "鱿鱼解冻后缩水一大半",
    "米袋里面爬出好几只虫",
    "饼干中间夹着一根头发",
    "新毛巾洗完一盆黄色的水",
    "秋衣领子磨得孩子一直哭",
    "玩具接缝划手，小孩不敢玩",
    "杯子刚倒热水就烫得拿不住",
    # stopped working after a day or a few uses
    "电动牙刷第一天就坏了",
    "发夹没两天就断了",
    "台灯开了三次就不亮了",
    "拖把用了两次就断了",
    "刚拆开就有划痕",
    # worse than the last time; not what it says; pairs that don't match
    "上次买的很甜，这次变差好多",
    "去年的礼盒一斤装，今年变成了八两",
    "瓶身上写的容量跟客服说的不一样",
    "拖鞋收到两只都是右脚",
    "手机支架螺丝孔完全对不上",
    "颜色跟图片差那么多",
    # promised, then missing or changed
    "主播说好的送围巾，箱子里没找到围巾",
    "付款前说包邮，付款后又说要补运费",
    "宣传的海景房，到酒店才发现是对着停车场",
    # still not done; gone
    "说好的电子版到现在还没发",
    "售后单状态一直是待处理",
    "买了年卡，店已经倒闭了",
    "客服我留言了五遍",
    # the host: perpetual last batch, selling all the way, no product for an hour
    "主播天天喊最后一批",
    "昨天说最后一天，今天又是最后一天",
    "老师全程念稿，听得想睡",
    "主播播了一个小时都没上链接",
    # price just paid; foul; packaging heavier than the goods; tiny
    "比我刚才拍的便宜二十",
    "这个味道真恶心",
    "盒子比月饼还重",
    "草莓还没我的指甲盖大",
    "快递放在楼下淋湿了",
    "付款一直提示失败",
    "快递员从来不打电话",
    "退款规则写得不清不楚",
    "老粉就这样对待顾客？",
    "这个售后纯属糊弄人",
    "电池明显虚标",
    # asked: nobody tested it; last time against this time; how dare you
    "耳机左边没声音，出厂前不测试的吗？",
    "上次买的是整颗的，这次怎么全是碎的？",
    "同一款鞋，怎么比我上一双短一截？",
    "主播讲的满减，到我这怎么没了？",
    "这种货也敢拿出来卖？",
    "下单前怎么不说要另收安装费？",
    "降价了差价谁补？",
    "这个杯盖是给哪个杯子做的？",
    "按摩仪才用两次就不转了，能退吗？",
    "灯泡这么暗，跟展示的是同一款吗？",
    "能不能换个快递，次次都压坏",
    "刚收到是不是被人退货的旧货？",
    "说好送的勺子，怎么没放？",
    "你们还说无添加？",
    # praise belied by what follows
    "真新鲜，香蕉到手都蔫了",
    "面膜保湿真好，敷完脸脱皮",
    "音响音质真好，就是一句歌词都听不清",
    "物流真快，绕到新疆又回来了",
    "包装真用心，每颗糖还单独包了三层",
    "吸尘器真静音，吵醒了全家",
    "真心佩服，说明书比产品还厚",
    "直播间说限量，隔壁超市到处都是",
    "跟模特图一模一样，除了颜色和面料",
    "降噪真强，强到看不见字幕都听不到？",
]

CLEAN = [
    # neutral questions in the same words
    "虾解冻后会缩水吗？",
    "泡发后能剩多少？",
    "里面有赠品吗？",
    "袋子里有干燥剂吗？",
    "会不会对不上孔？",
    "孔位对不上怎么办？",
    "这个和图片差这么多吗？",
    "跟直播间是同一款吗？",
    "状态还是待发货吗？",
    "群解散了吗？",
    "今天是最后一天吗？",
    "每次都是最后一批吗？",
    "第一天就能用吗？",
    "用几次就会了吗？",
    "上次买的M码，这次怎么选？",
    "上次买的红色，这次买什么颜色好？",
    "这次怎么付款？",
    "差价怎么补？",
    "这是给哪个型号用的？",
    "有质检报告吗？",
    "发货前会检查吗？",
    "宝宝不肯吃饭怎么办？",
    "会不会虚标？",
    "不会虚标吧？",
    "主播说的送杯子，没有杯子的话可以换吗？",
    "主播讲一下面料",
    "主播讲的那款还有吗？",
    "一直显示无货，什么时候补货？",
    # praise that uses negation, and praise in the new cues' words
    "橘子一个都没坏，很新鲜",
    "螃蟹到手都活蹦乱跳，真新鲜",
    "橙子真甜，比蜂蜜还甜",
    "包包真好看，比图片还好看",
    "衣服比照片还漂亮",
    "真新鲜，到手还是脆的",
    "耳机降噪很强，地铁上都很安静",
    "跑鞋真轻，跑步很舒服",
    "辅食机真静音，宝宝睡觉都不会吵醒",
    "充电器真安全，充一晚上都不烫",
    "奶嘴真仿真，宝宝很喜欢",
    "限量款真好看，抢到了",
    "跟直播间一模一样，好喜欢",
    "干货满满，老师讲得好",
    "课程干货满满，收获很大",
    "客服从不推诿，赞",
    "锅做饭不粘锅，好洗",
    "没有踩雷，全都好吃",
    "发货前主播说会检查，很放心",
    "主播真诚实，说有色差就是有色差",
    "真心佩服主播的口才",
    # chatter and statements
    "上次买的很好，这次又来了",
    "去年买过，今年再来一单",
    "今天又到最后一天了，赶紧下单",
    "主播一直跟粉丝聊天，好亲切",
    "主播全程在讲解，很专业",
    "这件可以穿成露脐装",
    "把衣服放在门口就行",
    "快递员会打电话吗",
    "第一次买，期待",
    "上个月买了一斤，这个月再买两斤",
    "和朋友说的一样好吃",
    "跟主播说的一样，很软",
    "主播说的送杯子，收到了，好看",
    "我问了一遍尺码，客服秒回",
    "群里的姐妹都说好",
    "窗外是海，太美了",
    "昨天买的，今天就到了",
    "学了两个月，进步很大",  # more look-alikes in the new cues' words
    "到现在还没下单，犹豫中",
    "到现在还没拆，舍不得用",
    "比我昨天买的便宜吗？",
    "比我刚才拍的便宜的话能退差价吗？",
    "真新鲜，蔬菜一点都没蔫",
    "可好吃了，每天都要吃",
    "可甜了，孩子一口气吃了三个",
    "真轻，背一天都不累",
    "主播声音真好听，我听不够",
    "主播真好，连我都没想到的问题都讲了",
    "老师真好，连周末都没休息",
    "全程跟着主播学，很有用",
    "主播全程讲得很清楚",
    "最后一批了，手慢无",
    "今天是最后一天活动，冲",
    "上次买的很好，这次推荐给妈妈",
    "上次买的37码，这次还是37码",
    "去年买的礼盒，今年继续回购",
    "我听不清主播说的第二个价格，再说一遍",
    "这个锤子好用",
    "买个锤子修桌子",
    "心寒的时候喝杯热茶",
    "恶心的话不要说",
    "窗外是公园，很安静",
    "缩水吗？",
    "洗后会缩水一点吗？",
    "晒干了剩多少？",
    "真香，吃完还想漱口再吃",
    "保温杯真好，烫手的水倒进去外面不烫",
    "这么小一只，跟直播间一样可爱",
    "宝宝真乖，不肯睡觉也不哭",
    "限量款真好看，到处都是好评",
    "独家款，跟明星同款一模一样",
    "快递放在门口就行，谢谢",
    "第一天就到了，真快",
    "用了两次就爱上了",
    "洗了三次就干净了",
    "上个月胖了，这个月瘦了",
    "和主播说的一样，真的很软",
    "包装上写的和链接上写的一样",
    "主播说的送杯子，我收到了",
    "店里人好多",
    "问了两遍尺码，客服都回了",
    "这种货我敢买",
    "之前怎么不早点买，后悔没早买",
    "差价谁补都行，反正便宜",
    "给哪个朋友买的呀",
    "发货前检查一下好吗？",
    "设计的时候肯定试过吧",
    "你们还说了什么优惠？",
    "主播讲的满减怎么用？",
    "这盒子比我想的还大",
    "包装比上一次还好",
    "掉毛比以前少多了",
    "没我想的那么大，刚好",
    "盒子里有小卡片，好贴心",
    "吵醒宝宝了吗？",
    "不会吵醒邻居吧？",
]


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)


(
    test_the_families_are_negative,
    test_neutral_questions_praise_and_chatter_are_not,
    test_the_anchored_scan_finds_what_the_plain_patterns_find,
    test_a_complaint_asked_is_no_question_to_answer,
) = family_checks(FLAGGED, CLEAN)
