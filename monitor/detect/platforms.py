"""A platform named plainly: where the text sends someone (去淘宝搜同款) or only mentions it
(在淘宝买过). detector.py asks `sends_there` of a contact hit lying on a platform's plain name
or common nickname (detection.named_platforms); spelled any other way the name is an evasion
and counts as typed."""

from __future__ import annotations

import re

from monitor.detect.context import repeated_question

# A platform named plainly is diversion only when the text sends someone there: a move
# toward it right before the name (去淘宝, 上京东, 来快手), what one does there right after it
# (淘宝搜, 快手找我, 京东那边更便宜, 视频号叫…), the speaker's own account or shop there (我们拼多多
# 店铺, 我在淘宝也有店), or a directive anywhere in the text (别在这买, 去那边). Where a viewer
# bought or saw something, and prices compared in the room's favour, send nobody anywhere.
_TOWARD_BEFORE = re.compile(
    "(?:(?<![原后看本将未过出回下起从本])来|去|(?<![看收买找刷等遇想得用提听见说])到"
    "|(?<![晚早马路线面身手以向天])上|进|转战|转到|换到|移步|逛逛|逛|打开|放到?|发到|挂到|传到?"
    "|关注)"
    "(?:我们?的?|咱们?的?|咱家的?)?$"
)
_OWN_BEFORE = re.compile("(?:我的|我们的?|咱们的?|咱家的?|我家的?|我们家的?)$")
# 比淘宝便宜, 跟某宝比: the room compared with the platform; 本来想去天猫买: a plan dropped.
_COMPARED_BEFORE = re.compile("(?:比|跟|和|对比|比起)$")
_DROPPED_BEFORE = re.compile("本来|原本|本想|差点|还以为|以为要")
_CHECKED_AFTER = re.compile("(?:上面?|里面?)?(?:查|验|核实|核对|扫码验|看过|看了|比过|比了|对比过)")
_DONE_THERE = re.compile(
    "(?:商城|小店|旗舰店|卖场|店铺|自营|官方|app|APP)?(?:上面?|里面?|那边|那里|那儿)?\\s*(?:"
    "(?:同款|一样的|的)?(?:我们?|咱们?)?(?:买|拍)?\\s*"
    "(?:搜(?![了过不到])|找我|找一下|联系|关注|私信|私我|加我|见|等你|等我|开播|直播间搜|号是|号叫"
    "|名字叫|叫|同名|主页|号|id|ID|账号|小号|也有店|有店|开了店|开店|开了家|开了个|开了一家|店铺名|店名"
    "|小店搜|买更便宜|买便宜|买才|下单(?![过的了])|拍(?![过的了到])|抢(?![的了过到])|更便宜|便宜一半|便宜很多"
    "|便宜[0-9一二两三四五六七八九十几]|比这便宜|比这里便宜|比这边便宜|价格更低|价更低|更低|更划算"
    "|有福利|福利更多|有链接|链接在|继续|也开|也播|还有一场|开号|开了号|老号|收(?![到货了过的])|挂|口令"
    "|链接|码|也?有个?(?:号|小号|店|账号|直播间)|也?开播|有卖|有二手|有同款|有现货|有出|有教程"
    "|有完整教程|有我|地址|位置|也?有(?=[\\s~～。.!！]*$))"
    # a price there (pdd上十块钱, 多多上九块九包邮)
    "|(?:才|只要|就)[0-9一二两三四五六七八九十几]+(?:块|元|包邮|[一二两三四五六七八九十]?[斤个件只瓶盒箱袋])"
    "|[0-9一二两三四五六七八九十几]+(?:块|元|包邮)"
    # a lower price there (得物上同款鞋才三百, 天猫旗舰店才299)
    "|(?:一样的|同样的|同款)?[^，,。！!？?；;\\s]{0,2}才[0-9一二两三四五六七八九十几])"
)
_SENT_ANYWHERE = re.compile(
    "(?:别|不要|没必要|何必|谁还)在这(?:里|边)?[买拍下抢团]|去那边|去那[里儿边]?[买搜看抢下拍点团]"
    "|那边(?:下单|见|等|找我)|来那边|去找我|还在这(?:里|边)?[买拍]|(?:别|不要)在这(?:里|边)?当冤种"
    "|别被这(?:里|边)?割韭菜|那边(?:价格|价)?更(?:低|便宜)|那边便宜|都去(?:旗舰店|官网|那)"
    "|别(?:在这)?当大?冤(?:种|大头)|去那[里儿边]?找"
    # a shop's name given to search for (搜“猫粮工厂店”)
    '|搜(?:一下|索|一搜)?\\s*[“"「『]'
)


def sends_there(text: str, start: int, end: int) -> bool:
    """Return True when the platform named at text[start:end] is where the text sends
    someone (去淘宝搜同款), not where a viewer bought or saw something (在淘宝买过), the
    room was compared with it (比淘宝便宜四十) or a viewer's question is repeated
    (有宝宝问能不能去淘宝买，我们没有淘宝店)."""
    if _SENT_ANYWHERE.search(text) is not None:
        return True
    if repeated_question(text, start):
        return False
    if _CHECKED_AFTER.match(text, end) is not None:
        return False  # 去官网查防伪码: checked there, bought here
    before = text[max(0, start - 8) : start]
    if _COMPARED_BEFORE.search(before) is not None or _DROPPED_BEFORE.search(before) is not None:
        return False
    if _TOWARD_BEFORE.search(before) is not None or _OWN_BEFORE.search(before) is not None:
        return True
    return _DONE_THERE.match(text, end) is not None
