"""Message elements for :meth:`timdesk.Client.send_msg`.

Each class is a frozen dataclass; the JSON sent to the server is built by the native
core (``to_json()`` shows it)::

    client.send_msg(session_id=sid, body=[Text("Hello"), Card(header="Order 42", desc="2 items",
                                                          pic="https://...", url="https://...")])
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Sequence, Tuple, Union

from . import _native

__all__ = ["Text", "Custom", "Card", "Face", "Location", "Image", "ImageInfo", "Sound", "File", "Video"]


class _Element:
    def _to_native(self) -> _native.MsgElement:
        raise NotImplementedError

    def to_json(self) -> Dict[str, Any]:
        """The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}."""
        return self._to_native().to_json()


@dataclass(frozen=True)
class Text(_Element):
    """TIMTextElem: plain text."""

    text: str

    def _to_native(self) -> _native.MsgElement:
        return _native.MsgElement.text(self.text)


@dataclass(frozen=True)
class Custom(_Element):
    """TIMCustomElem: ``data`` is a str, or a dict/list serialized to JSON."""

    data: Union[str, Dict[str, Any], Sequence[Any]]
    desc: Optional[str] = None
    ext: Optional[str] = None
    sound: Optional[str] = None

    def _to_native(self) -> _native.MsgElement:
        data = self.data if isinstance(self.data, str) else json.dumps(self.data, ensure_ascii=False)
        return _native.MsgElement.custom(data, self.desc, self.ext, self.sound)


@dataclass(frozen=True)
class Card(_Element):
    """The desk's card message: title, description, picture and link."""

    header: str
    desc: str
    pic: str
    url: str

    def _to_native(self) -> _native.MsgElement:
        return _native.MsgElement.card(self.header, self.desc, self.pic, self.url)


@dataclass(frozen=True)
class Face(_Element):
    """TIMFaceElem: an emoji by index."""

    index: int
    data: Optional[str] = None

    def _to_native(self) -> _native.MsgElement:
        return _native.MsgElement.face(self.index, self.data)


@dataclass(frozen=True)
class Location(_Element):
    """TIMLocationElem."""

    desc: str
    latitude: float
    longitude: float

    def _to_native(self) -> _native.MsgElement:
        return _native.MsgElement.location(self.desc, self.latitude, self.longitude)


@dataclass(frozen=True)
class ImageInfo:
    """One size of an image: kind 1 original, 2 large, 3 thumbnail."""

    kind: int
    size: int
    width: int
    height: int
    url: str


@dataclass(frozen=True)
class Image(_Element):
    """TIMImageElem."""

    uuid: str
    image_format: int
    image_info: Tuple[ImageInfo, ...] = field(default_factory=tuple)

    def _to_native(self) -> _native.MsgElement:
        infos = [(i.kind, i.size, i.width, i.height, i.url) for i in self.image_info]
        return _native.MsgElement.image(self.uuid, self.image_format, infos)


@dataclass(frozen=True)
class Sound(_Element):
    """TIMSoundElem."""

    url: str
    size: int
    second: int

    def _to_native(self) -> _native.MsgElement:
        return _native.MsgElement.sound(self.url, self.size, self.second)


@dataclass(frozen=True)
class File(_Element):
    """TIMFileElem."""

    url: str
    file_size: int
    file_name: str

    def _to_native(self) -> _native.MsgElement:
        return _native.MsgElement.file(self.url, self.file_size, self.file_name)


@dataclass(frozen=True)
class Video(_Element):
    """TIMVideoFileElem."""

    video_url: str
    video_size: int
    video_second: int
    video_format: str
    thumb_url: str
    thumb_size: int
    thumb_width: int
    thumb_height: int
    thumb_format: str

    def _to_native(self) -> _native.MsgElement:
        return _native.MsgElement.video(
            self.video_url, self.video_size, self.video_second, self.video_format,
            self.thumb_url, self.thumb_size, self.thumb_width, self.thumb_height, self.thumb_format)
