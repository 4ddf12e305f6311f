from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PasswordGrant")


@_attrs_define
class PasswordGrant:
    """A username and password; meant for the browser.

    Attributes:
        grant_type (Literal['password']):
        username (str):
        password (str):
    """

    grant_type: Literal["password"]
    username: str
    password: str = _attrs_field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        username = self.username

        password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grant_type": grant_type,
                "username": username,
                "password": password,
            }
        )

        return field_dict

    def to_json(self) -> str:
        """The JSON text of to_dict() (rstar): what the API would be sent or has sent."""
        return _json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = cast(Literal["password"], d.pop("grant_type"))
        if grant_type != "password":
            raise ValueError(f"grant_type must match const 'password', got '{grant_type}'")

        username = d.pop("username")

        password = d.pop("password")

        password_grant = cls(
            grant_type=grant_type,
            username=username,
            password=password,
        )

        return password_grant
