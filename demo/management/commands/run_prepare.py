"""`manage.py run_prepare`: everything `make run` does before its processes start, in one process."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, ready the embedded broker, seed the demo and collect static files (what make run needs)."

    def handle(self, *args: Any, **options: Any) -> None:
        # One process instead of four: loading Django costs about as much as all the work on a
        # second run, which otherwise has nothing to do (see docs/adr/0004-make-run-runs-the-whole-system.md).
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        call_command("broker_prepare", stdout=self.stdout, stderr=self.stderr)
        call_command("seed_demo", stdout=self.stdout, stderr=self.stderr)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=self.stdout, stderr=self.stderr)
