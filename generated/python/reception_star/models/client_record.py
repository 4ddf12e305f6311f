from __future__ import annotations

import datetime
import json as _json
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientRecord")


@_attrs_define
class ClientRecord:
    """A client of the account, as the API answers it.

    Attributes:
        id (int): Assigned by the API; read-only.
        first_name (str):
        last_name (str):
        created_at (datetime.datetime): ISO 8601 in UTC with a zero offset written `Z`, `YYYY-MM-DDTHH:MM:SSZ`.
        updated_at (datetime.datetime): ISO 8601 in UTC with a zero offset written `Z`, `YYYY-MM-DDTHH:MM:SSZ`.
        email (str | Unset):
        mobile (str | Unset):
        date_of_birth (datetime.date | Unset): A calendar date, `YYYY-MM-DD`.
        notes (str | Unset):
    """

    id: int
    first_name: str
    last_name: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    email: str | Unset = UNSET
    mobile: str | Unset = UNSET
    date_of_birth: datetime.date | Unset = UNSET
    notes: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        first_name = self.first_name

        last_name = self.last_name

        created_at = self.created_at.isoformat().replace("+00:00", "Z")

        updated_at = self.updated_at.isoformat().replace("+00:00", "Z")

        email = self.email

        mobile = self.mobile

        date_of_birth: str | Unset = UNSET
        if not isinstance(self.date_of_birth, Unset):
            date_of_birth = self.date_of_birth.isoformat()

        notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "first_name": first_name,
                "last_name": last_name,
                "created_at": created_at,
                "updated_at": updated_at,
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
        id = d.pop("id")

        first_name = d.pop("first_name")

        last_name = d.pop("last_name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        email = d.pop("email", UNSET)

        mobile = d.pop("mobile", UNSET)

        _date_of_birth = d.pop("date_of_birth", UNSET)
        date_of_birth: datetime.date | Unset
        if isinstance(_date_of_birth, Unset):
            date_of_birth = UNSET
        else:
            date_of_birth = datetime.date.fromisoformat(_date_of_birth)

        notes = d.pop("notes", UNSET)

        client_record = cls(
            id=id,
            first_name=first_name,
            last_name=last_name,
            created_at=created_at,
            updated_at=updated_at,
            email=email,
            mobile=mobile,
            date_of_birth=date_of_birth,
            notes=notes,
        )

        client_record.additional_properties = d
        return client_record

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
