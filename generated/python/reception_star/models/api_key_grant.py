from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ApiKeyGrant")


@_attrs_define
class ApiKeyGrant:
    """An API key; the way the API is meant to be used.

    Attributes:
        grant_type (Literal['api_key']):
        api_key (str):
    """

    grant_type: Literal["api_key"]
    api_key: str = _attrs_field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        api_key = self.api_key

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grant_type": grant_type,
                "api_key": api_key,
            }
        )

        return field_dict

    def to_json(self) -> str:
        """The JSON text of to_dict() (rstar): what the API would be sent or has sent."""
        return _json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = cast(Literal["api_key"], d.pop("grant_type"))
        if grant_type != "api_key":
            raise ValueError(f"grant_type must match const 'api_key', got '{grant_type}'")

        api_key = d.pop("api_key")

        api_key_grant = cls(
            grant_type=grant_type,
            api_key=api_key,
        )

        return api_key_grant
