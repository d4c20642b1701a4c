"""The API's penalty and licence lists, read with `values()` and shaped by the serializers' own fields
(`core.api.rows`): the same JSON as `PenaltySerializer` / `LicenseSerializer`, without a model instance per
row and per organization. ID numbers are masked here for every caller; the whole number is never part of
a list."""

from core.api.rows import Computed, RowSerializer
from core.publication import published_on_time

from ..models import Disclosure, mask_id_number
from .serializers import ID_NUMBER_FIELDS, LicenseSerializer, PenaltySerializer


def mask_id_numbers(row: dict, data: dict) -> None:
    for id_type, id_number in ID_NUMBER_FIELDS:
        data[id_number] = mask_id_number(row[id_type], row[id_number])


_COMPUTED = {
    "on_time": Computed(("published_at", "publish_deadline"), published_on_time),
    "authority_name": Computed(("authority_name", "authority__name"), Disclosure.display_name),
}
PENALTY_ROWS = RowSerializer(PenaltySerializer, computed=_COMPUTED, finish=mask_id_numbers)
LICENSE_ROWS = RowSerializer(LicenseSerializer, computed=_COMPUTED, finish=mask_id_numbers)
