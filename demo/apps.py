from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data: ``seed_demo`` (``make run``), ``seed_bench`` and
    ``seed_bench_projects`` (``make bench``). Nothing else depends on this app."""

    name = "demo"
    verbose_name = "Demo data"
