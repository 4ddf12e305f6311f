from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NoteInput")


@_attrs_define
class NoteInput:
    """
    Attributes:
        text (str | Unset):
    """

    text: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    def to_json(self) -> str:
        """The JSON text of to_dict() (rstar): what the API would be sent or has sent."""
        return _json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text", UNSET)

        note_input = cls(
            text=text,
        )

        return note_input
