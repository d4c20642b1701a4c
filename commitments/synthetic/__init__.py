"""Synthetic pledges for benchmarks: seeded, realistic, and shaped like the services make them.

`manage.py generate_pledges --pledges N --milestones-per-pledge M` makes N pledges of every kind — department
pledges on the four themes, street and township pledges on the fourteen public services, this year's and past
years' 为民办实事 lists, investment promises and contracts (valid credit codes), PPP duties, procurement
contracts, civil servants' internal pledges and a few measured ones — with M milestones each and a timeline of
progress reports for every pledge without parts.

About a third of the pledges sit in trees of up to three levels (a whole, its parts, their parts; same body,
weights 0.5–3). Progress is reported on the leaves only; every parent carries the weighted roll-up of its
parts exactly as `services.progress.roll_up` computes it (`rolled_up_share`, level by level, each level
rounded to 0.01 %), so reporting on a generated leaf moves its ancestors as it would on entered data.

Pledges due in the past are settled (mostly fulfilled; some partly kept, broken, changed by lawful procedure)
or overdue (already escalated, as the sweep leaves them); pledges still running are in progress with progress
near the share of time elapsed. Published public pledges carry what core.publication gives them: status,
version (1 on publication, +1 for each announced change: every progress report of a part, the settlement),
published_at, corrected_at; a few are withdrawn with a reason, a few are drafts; internal pledges (civil
servants') are never published. Rows are streamed with COPY on PostgreSQL (ids drawn from the sequences first,
so parents, milestones and reports know them), bulk_create elsewhere; one transaction per batch.

Deliberately missing, as in the other generators (dishonesty_records.synthetic, disclosures.synthetic):
audit events, publication versions, ledger entries, outbox rows, evidence files, and the dishonesty records a
broken pledge proposes — this is benchmark data, not history.
"""

from .content import CREATED_BY_LABEL
from .generator import Generator, Node
from .writing import generate

__all__ = ["CREATED_BY_LABEL", "Generator", "Node", "generate"]
