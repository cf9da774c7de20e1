"""`manage.py network_load [FILE] [--dry-run]`: load a new version of the transport network data.

FILE is network.json-shaped (``hubs`` and ``lanes``; ``countries`` default to the packaged seed's;
lanes may say ``"two_way": false`` and carry a ``return`` object, see
warehouses/fulfilment/data/README.md). Without FILE the packaged data (seed + region lanes) is
loaded again. The planner's own reader checks the whole file first: a broken file changes nothing.
Hubs and lanes are upserted by code and (origin, destination, mode); rows the file does not mention
are left alone (close them in the admin).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warehouses.fulfilment import NetworkError
from warehouses.fulfilment.seed import load_seed_data
from warehouses.transport.services import delivery_estimates_recompute, network_load

#: A network file is a few hundred kilobytes; refuse anything absurd before parsing it.
MAX_FILE_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = "Load a version of the transport network (hubs, lanes in both directions) from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="network.json-shaped file; default: the packaged data")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["file"]) if options["file"] else None
        try:
            result = network_load(data=data, dry_run=options["dry_run"])
        except (NetworkError, KeyError, TypeError, ValueError) as error:
            raise CommandError(f"network data refused, nothing changed: {error}") from error
        verb = "would write" if options["dry_run"] else "wrote"
        self.stdout.write(
            f"{result.hubs} hubs, {result.lanes} lane directions in the data; "
            f"{verb} {result.created} new and {result.updated} changed rows"
        )
        if not options["dry_run"] and (result.created or result.updated):
            self.stdout.write(f"delivery estimates: {delivery_estimates_recompute()} (origin hub, country) pairs")

    def _read(self, name: str) -> dict[str, Any]:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path} is not JSON: {error}") from error
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("hubs"), list)
            or not isinstance(data.get("lanes"), list)
        ):
            raise CommandError(f"{path} needs a JSON object with `hubs` and `lanes` lists")
        data.setdefault("countries", load_seed_data()["countries"])
        return data
