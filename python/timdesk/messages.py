"""Message elements for :meth:`timdesk.Client.send_msg`: native classes of the core.

Each is frozen, compares by value and pickles; ``to_json()`` shows what the server
receives, and ``send_msg`` reads them without calling back into Python::

    client.send_msg(session_id=sid, body=[Text("Hello"), Card(header="Order 42", desc="2 items",
                                                          pic="https://...", url="https://...")])

A dict in the server's JSON form (``{"MsgType": ..., "MsgContent": {...}}``) is accepted
too, for elements these classes do not cover.
"""
from ._native import Card, Custom, Face, File, Image, ImageInfo, Location, Sound, Text, Video

__all__ = ["Text", "Custom", "Card", "Face", "Location", "Image", "ImageInfo", "Sound", "File", "Video"]
