from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InteractWordV2(_message.Message):
    __slots__ = ("uid", "uname", "msg_type", "roomid", "timestamp", "trigger_time")
    UID_FIELD_NUMBER: _ClassVar[int]
    UNAME_FIELD_NUMBER: _ClassVar[int]
    MSG_TYPE_FIELD_NUMBER: _ClassVar[int]
    ROOMID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_TIME_FIELD_NUMBER: _ClassVar[int]
    uid: int
    uname: str
    msg_type: int
    roomid: int
    timestamp: int
    trigger_time: int
    def __init__(self, uid: _Optional[int] = ..., uname: _Optional[str] = ..., msg_type: _Optional[int] = ..., roomid: _Optional[int] = ..., timestamp: _Optional[int] = ..., trigger_time: _Optional[int] = ...) -> None: ...

class GiftItem(_message.Message):
    __slots__ = ("gift_id", "gift_name", "num", "price", "total_coin", "coin_type", "tid", "timestamp")
    GIFT_ID_FIELD_NUMBER: _ClassVar[int]
    GIFT_NAME_FIELD_NUMBER: _ClassVar[int]
    NUM_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COIN_FIELD_NUMBER: _ClassVar[int]
    COIN_TYPE_FIELD_NUMBER: _ClassVar[int]
    TID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    gift_id: int
    gift_name: str
    num: int
    price: int
    total_coin: int
    coin_type: str
    tid: str
    timestamp: int
    def __init__(self, gift_id: _Optional[int] = ..., gift_name: _Optional[str] = ..., num: _Optional[int] = ..., price: _Optional[int] = ..., total_coin: _Optional[int] = ..., coin_type: _Optional[str] = ..., tid: _Optional[str] = ..., timestamp: _Optional[int] = ...) -> None: ...

class SendGiftV2(_message.Message):
    __slots__ = ("uid", "uname", "guard_level", "gift_list")
    UID_FIELD_NUMBER: _ClassVar[int]
    UNAME_FIELD_NUMBER: _ClassVar[int]
    GUARD_LEVEL_FIELD_NUMBER: _ClassVar[int]
    GIFT_LIST_FIELD_NUMBER: _ClassVar[int]
    uid: int
    uname: str
    guard_level: int
    gift_list: _containers.RepeatedCompositeFieldContainer[GiftItem]
    def __init__(self, uid: _Optional[int] = ..., uname: _Optional[str] = ..., guard_level: _Optional[int] = ..., gift_list: _Optional[_Iterable[_Union[GiftItem, _Mapping]]] = ...) -> None: ...
