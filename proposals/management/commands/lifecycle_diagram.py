import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from proposals.diagram import lifecycle_dot, lifecycle_mermaid


class Command(BaseCommand):
    help = (
        "Write docs/lifecycle.dot and docs/lifecycle.mmd from the transitions in code "
        "(and docs/lifecycle.svg when Graphviz's dot program is installed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit 1 if the checked-in files differ from the code.",
        )

    def handle(self, *args, check=False, **options):
        docs = Path(settings.BASE_DIR) / "docs"
        readme = Path(settings.BASE_DIR) / "README.md"
        mermaid = lifecycle_mermaid()
        outputs = {docs / "lifecycle.dot": lifecycle_dot(), docs / "lifecycle.mmd": mermaid}
        if readme.exists():
            outputs[readme] = re.sub(
                r"(<!-- lifecycle:start -->\n)```mermaid\n.*?```(\n<!-- lifecycle:end -->)",
                lambda m: f"{m.group(1)}```mermaid\n{mermaid}```{m.group(2)}",
                readme.read_text(encoding="utf-8"),
                flags=re.S,
            )
        if check:
            stale = [
                p.name
                for p, text in outputs.items()
                if not p.exists() or p.read_text(encoding="utf-8") != text
            ]
            if stale:
                self.stderr.write(f"out of date: {', '.join(stale)} (run `make diagram`)")
                raise SystemExit(1)
            self.stdout.write("lifecycle diagram is up to date")
            return
        docs.mkdir(exist_ok=True)
        for path, text in outputs.items():
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {path.relative_to(settings.BASE_DIR)}")
        dot = shutil.which("dot")
        if dot:
            svg = docs / "lifecycle.svg"
            subprocess.run([dot, "-Tsvg", "-o", str(svg), str(docs / "lifecycle.dot")], check=True)
            self.stdout.write(f"wrote {svg.relative_to(settings.BASE_DIR)}")
        else:
            self.stdout.write("Graphviz's dot is not installed: SVG not rendered")
