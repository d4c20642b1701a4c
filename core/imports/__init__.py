"""Importing rows from uploaded CSV and XLSX files, the parts every app's import shares.

An app's import (disclosures.importing, commitments.importing) keeps what is its own — which columns mean
what, how a row is checked and written — and takes from here: reading the file (`reading`: encodings,
streamed rows, the header row below a title), the upload checks (`uploads`), the job's stored fields and
states (`models.ImportJobBase`, `choices.ImportStatus`), the worker's frame (`jobs`: claim, language,
audit request id, all-or-nothing), live progress through the cache (`progress`) and the row problems
with their downloadable, formula-safe report (`reports`). The progress bar the job pages poll is the
template `core/imports/_progress.html`; the job pages themselves (list, upload, detail, live status,
confirmation, error report, empty templates) are `views.ImportJobViews`, with `core/imports/*.html`.
A small all-or-nothing import whose every row goes through one service (pledge progress, course
completions) also takes the job's life from `lifecycle.RowwiseJobs` and the pass over its rows from
`rowwise.RowwisePass`. (Those three modules are imported by name, not from here: views needs the urls,
lifecycle the audit log.)
"""

from .choices import RUNNING_STATUSES, ImportStatus
from .jobs import RolledBack, claim, confirmation_refusal, job_context, undone_unless
from .progress import (
    PROGRESS_TTL_SECONDS,
    forget_progress,
    is_running,
    live_percent,
    live_progress,
    progress_key,
    publish_progress,
    status_document,
)
from .reading import (
    ALLOWED_SUFFIXES,
    HEADER_SEARCH_ROWS,
    MAX_UPLOAD_BYTES,
    FileProblem,
    batched,
    file_suffix,
    is_blank,
    locate_header,
    read_rows,
    shown,
    text,
)
from .reports import MAX_STORED_ERRORS, entry, error_report_header, error_report_response, error_report_rows
from .uploads import check_import_upload, file_digest

__all__ = [
    "ALLOWED_SUFFIXES",
    "HEADER_SEARCH_ROWS",
    "MAX_STORED_ERRORS",
    "MAX_UPLOAD_BYTES",
    "PROGRESS_TTL_SECONDS",
    "RUNNING_STATUSES",
    "FileProblem",
    "ImportStatus",
    "RolledBack",
    "batched",
    "check_import_upload",
    "claim",
    "confirmation_refusal",
    "entry",
    "error_report_header",
    "error_report_response",
    "error_report_rows",
    "file_digest",
    "file_suffix",
    "forget_progress",
    "is_blank",
    "is_running",
    "job_context",
    "live_percent",
    "live_progress",
    "locate_header",
    "progress_key",
    "publish_progress",
    "read_rows",
    "shown",
    "status_document",
    "text",
    "undone_unless",
]
