"""/api/v1/commitments/: thin views over the restricted querysets.

Reading: anonymous callers see published public pledges; signed-in users and API clients also see what
their roles reach (`for_user`). Anything else answers 404 like a missing pledge. Writing: every change is a
service call of commitments.services; on a pledge the caller can see, the service decides who may act (403),
refuses illegal moves with its own message (400) and names bad fields (400, per field).
"""

from .files import PledgeEvidenceDownloadView
from .pledges import PledgeViewSet

__all__ = ["PledgeEvidenceDownloadView", "PledgeViewSet"]
