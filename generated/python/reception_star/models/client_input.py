from __future__ import annotations

import datetime
import json as _json
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientInput")


@_attrs_define
class ClientInput:
    """The writable fields of a client: the body of `POST /clients` and of `PUT /clients/{client_id}`, where a field left
    out is removed.

        Attributes:
            first_name (str):
            last_name (str):
            email (str | Unset):
            mobile (str | Unset):
            date_of_birth (datetime.date | Unset): A calendar date, `YYYY-MM-DD`.
            notes (str | Unset):
    """

    first_name: str
    last_name: str
    email: str | Unset = UNSET
    mobile: str | Unset = UNSET
    date_of_birth: datetime.date | Unset = UNSET
    notes: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        first_name = self.first_name

        last_name = self.last_name

        email = self.email

        mobile = self.mobile

        date_of_birth: str | Unset = UNSET
        if not isinstance(self.date_of_birth, Unset):
            date_of_birth = self.date_of_birth.isoformat()

        notes = self.notes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "first_name": first_name,
                "last_name": last_name,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if mobile is not UNSET:
            field_dict["mobile"] = mobile
        if date_of_birth is not UNSET:
            field_dict["date_of_birth"] = date_of_birth
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict

    def to_json(self) -> str:
        """The JSON text of to_dict() (rstar): what the API would be sent or has sent."""
        return _json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        first_name = d.pop("first_name")

        last_name = d.pop("last_name")

        email = d.pop("email", UNSET)

        mobile = d.pop("mobile", UNSET)

        _date_of_birth = d.pop("date_of_birth", UNSET)
        date_of_birth: datetime.date | Unset
        if isinstance(_date_of_birth, Unset):
            date_of_birth = UNSET
        else:
            date_of_birth = datetime.date.fromisoformat(_date_of_birth)

        notes = d.pop("notes", UNSET)

        client_input = cls(
            first_name=first_name,
            last_name=last_name,
            email=email,
            mobile=mobile,
            date_of_birth=date_of_birth,
            notes=notes,
        )

        return client_input
