"""Celery tasks for projects (thin: they call services and exports)."""

from celery import shared_task

from . import documents, public_cache, static_export


@shared_task(name="projects.tasks.refresh_public_outputs", soft_time_limit=900, time_limit=960)
def refresh_public_outputs(bump: bool = False) -> dict:
    """Rebuild what is generated from the public data after it changed.

    Queued by ``public_cache.public_data_changed`` after every public change: the static export
    (when ``PUBLIC_SITE_EXPORT_DIR`` is set) and the full list's PDF (when the list is too long
    to render during a request).
    """
    if bump:  # the change's own bump was lost while the shared cache was down
        public_cache.bump_generation()
    return static_export.refresh_public_outputs()


# The whole public site, and the long list as PDF: minutes at most, then stopped.
@shared_task(name="projects.tasks.export_public_site", soft_time_limit=900, time_limit=960)
def export_public_site_task(output_dir: str | None = None) -> int:
    """Write the static public site to ``output_dir`` (default: ``PUBLIC_SITE_EXPORT_DIR``)."""
    return len(static_export.export_public_site(output_dir or static_export.export_dir()))


@shared_task(name="projects.tasks.build_list_pdf", soft_time_limit=600, time_limit=660)
def build_list_pdf(query: str, key: str) -> str:
    """Render the public list's PDF for ``query`` and store it under ``key``."""
    return documents.build_stored_pdf(query, key)
