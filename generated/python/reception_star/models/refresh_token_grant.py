from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RefreshTokenGrant")


@_attrs_define
class RefreshTokenGrant:
    """The refresh token of an earlier token answer. Whether it can be used more than once is not promised: use the refresh
    token of the latest answer, and fall back to the credentials when it is refused (401).

        Attributes:
            grant_type (Literal['refresh_token']):
            refresh_token (str):
    """

    grant_type: Literal["refresh_token"]
    refresh_token: str = _attrs_field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        refresh_token = self.refresh_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grant_type": grant_type,
                "refresh_token": refresh_token,
            }
        )

        return field_dict

    def to_json(self) -> str:
        """The JSON text of to_dict() (rstar): what the API would be sent or has sent."""
        return _json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = cast(Literal["refresh_token"], d.pop("grant_type"))
        if grant_type != "refresh_token":
            raise ValueError(f"grant_type must match const 'refresh_token', got '{grant_type}'")

        refresh_token = d.pop("refresh_token")

        refresh_token_grant = cls(
            grant_type=grant_type,
            refresh_token=refresh_token,
        )

        return refresh_token_grant
