"""/api/v1/dishonesty-records/ and what hangs off a record: thin viewsets over the restricted querysets.

Reading: anonymous callers see records on public view; signed-in users and API clients also see what their
roles reach (`for_user`). Anything else answers 404 like a missing record. Each record is shown in the shape
the caller may see (serializers.py). Writing: every change is a service call; the service decides who may
act (403), refuses illegal moves with its own message (400) and names bad fields (400, per field).
Actions on a record need a role over it: a record the caller sees only because it is public is 404 there.
"""

from .consequences import ObligationViewSet, RepairApplicationViewSet, SanctionViewSet
from .files import EvidenceDownloadView
from .integrity import CivilServantIntegrityView, OrganizationIntegrityView
from .records import DishonestyRecordViewSet

__all__ = [
    "CivilServantIntegrityView",
    "DishonestyRecordViewSet",
    "EvidenceDownloadView",
    "ObligationViewSet",
    "OrganizationIntegrityView",
    "RepairApplicationViewSet",
    "SanctionViewSet",
]
