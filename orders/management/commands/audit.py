"""``manage.py audit``: check the stock and money invariants; exit non-zero naming every offending row."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.audit import CHECKS, audit_run


class Command(BaseCommand):
    help = (
        "Check the invariants: stock equals its ledger, nothing negative, reserved stock equals open "
        "reservations, every money posting balances, every paid order allocated or refunded. "
        "Exits 1 naming the offending rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="append", choices=sorted(CHECKS), help="Only this check (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        findings = audit_run(options.get("check"))
        for finding in findings:
            self.stderr.write(str(finding))
        if findings:
            raise CommandError(f"audit: {len(findings)} invariant violation(s)", returncode=1)
        self.stdout.write(f"audit: every invariant holds ({', '.join(options.get('check') or CHECKS)})")
