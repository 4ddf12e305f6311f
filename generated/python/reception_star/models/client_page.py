from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.client_record import ClientRecord


T = TypeVar("T", bound="ClientPage")


@_attrs_define
class ClientPage:
    """A page of clients, in ascending `id` order.

    Attributes:
        data (list[ClientRecord]):
        offset (int): The `offset` of the request.
        limit (int): The `limit` of the request.
        total (int): How many items the whole list holds.
    """

    data: list[ClientRecord]
    offset: int
    limit: int
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        offset = self.offset

        limit = self.limit

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "offset": offset,
                "limit": limit,
                "total": total,
            }
        )

        return field_dict

    def to_json(self) -> str:
        """The JSON text of to_dict() (rstar): what the API would be sent or has sent."""
        return _json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.client_record import ClientRecord  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = ClientRecord.from_dict(data_item_data)

            data.append(data_item)

        offset = d.pop("offset")

        limit = d.pop("limit")

        total = d.pop("total")

        client_page = cls(
            data=data,
            offset=offset,
            limit=limit,
            total=total,
        )

        client_page.additional_properties = d
        return client_page

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
