"""manage.py export_public_site --output DIR: the public site as static files for a CMS."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects.static_export import ExportError, export_dir, export_public_site


class Command(BaseCommand):
    help = (
        "Write the public list of adopted projects, each project's page, the statistics, "
        "the open data (CSV, JSON, feed) and the CSS as a folder of static files with "
        "relative links, which a city's CMS can host as it is. The folder is replaced "
        "as a whole."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            default=None,
            help="folder to write (default: PUBLIC_SITE_EXPORT_DIR); must be new, empty or an "
            "earlier export",
        )
        parser.add_argument(
            "--language",
            action="append",
            dest="languages",
            choices=[code for code, _name in settings.LANGUAGES],
            help="export only this language (repeat for several; default: all)",
        )

    def handle(self, *args, **options):
        output = options["output"] or export_dir()
        if not output:
            raise CommandError("Give --output DIR (or set PUBLIC_SITE_EXPORT_DIR).")
        languages = options["languages"] or [code for code, _name in settings.LANGUAGES]
        try:
            written = export_public_site(output, languages=languages)
        except ExportError as error:
            raise CommandError(error.message) from None
        for name in written:
            self.stdout.write(f"  {name}")
        pages = sum(name.endswith(".html") for name in written)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(written)} files ({pages} pages) to {output}")
        )
