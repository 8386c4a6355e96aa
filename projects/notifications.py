"""Who is told what when a project's report is submitted or reviewed."""


def report_changed(report) -> None:
    """Filled in by the reports work."""
