"""Bulk import of licence and penalty disclosures from CSV and XLSX files, set-based.

An `ImportJob` goes through two passes over the same stored file, each run by a Celery task:

    upload → pending → validating → previewed → (confirmed) → importing → done
                              └→ failed: the file cannot be read           └→ failed: nothing / the rest not saved

`check_job` is the dry run: every row is parsed and validated and matched against existing records;
nothing but the job is written. `run_job` runs the same pipeline again (the database may have moved
on since the preview) and writes the valid rows. Rows are read in a streaming fashion and handled in
batches: one query per batch finds existing records, one calendar load per batch counts deadlines,
then the records are written in bulk (`insert_records` / `update_records`: bulk_create / bulk_update,
through COPY on PostgreSQL) with one audit row per record (DESIGN.md §7: bulk paths audit too).

Re-importing a file updates the drafts it created instead of adding duplicates: rows are matched on
(authority, decision number); a matching draft takes the row's values (columns the file lacks become
empty, exactly as a first import would have left them), a matching published record is a row error.
"""

from .jobs import (
    check_job,
    confirmation_refusal,
    error_report_header,
    error_report_rows,
    fail_stalled_jobs,
    job_confirm,
    job_create,
    live_percent,
    live_progress,
    progress_key,
    run_job,
    template_headers,
)
from .pipeline import Importer, OrganizationDirectory, Report, RowCheck
from .reading import (
    BATCH_SIZE,
    MAX_UPLOAD_BYTES,
    RUNNING_STATUSES,
    FileProblem,
    Layout,
    file_suffix,
    read_layout,
    read_rows,
)

__all__ = [
    "BATCH_SIZE",
    "MAX_UPLOAD_BYTES",
    "RUNNING_STATUSES",
    "FileProblem",
    "Importer",
    "Layout",
    "OrganizationDirectory",
    "Report",
    "RowCheck",
    "check_job",
    "confirmation_refusal",
    "error_report_header",
    "error_report_rows",
    "fail_stalled_jobs",
    "file_suffix",
    "job_confirm",
    "job_create",
    "live_percent",
    "live_progress",
    "progress_key",
    "read_layout",
    "read_rows",
    "run_job",
    "template_headers",
]
