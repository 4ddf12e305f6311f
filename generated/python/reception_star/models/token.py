from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Token")


@_attrs_define
class Token:
    """A bearer token and what renews it.

    Attributes:
        token (str): Send as `Authorization: Bearer <token>`.
        refresh_token (str): Exchange for a new token with `grant_type` `refresh_token`.
        expires_in (int): Seconds until `token` expires; 10800 (3 hours) today.
        token_type (Literal['Bearer']):
    """

    token: str = _attrs_field(repr=False)
    refresh_token: str = _attrs_field(repr=False)
    expires_in: int
    token_type: Literal["Bearer"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        refresh_token = self.refresh_token

        expires_in = self.expires_in

        token_type = self.token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "token": token,
                "refresh_token": refresh_token,
                "expires_in": expires_in,
                "token_type": token_type,
            }
        )

        return field_dict

    def to_json(self) -> str:
        """The JSON text of to_dict() (rstar): what the API would be sent or has sent."""
        return _json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        refresh_token = d.pop("refresh_token")

        expires_in = d.pop("expires_in")

        token_type = cast(Literal["Bearer"], d.pop("token_type"))
        if token_type != "Bearer":
            raise ValueError(f"token_type must match const 'Bearer', got '{token_type}'")

        token = cls(
            token=token,
            refresh_token=refresh_token,
            expires_in=expires_in,
            token_type=token_type,
        )

        token.additional_properties = d
        return token

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
