"""The SQLite file bus (`make run`'s live events across worker processes): two bus objects on one file
stand for two processes; what one publishes, the other's subscribers and replay log see, in order."""

import asyncio
from pathlib import Path

from marketplace.live_events.sqlite_bus import SQLiteBus


def test_events_published_through_one_process_reach_a_subscriber_of_another_in_order(tmp_path: Path) -> None:
    path = str(tmp_path / "live_events.sqlite3")
    publisher, viewer_side = SQLiteBus(path=path, replay=3), SQLiteBus(path=path, replay=3)

    async def watch() -> list[tuple[int, str, str]]:
        async with viewer_side.subscribe(stream_id=7) as queue:
            await asyncio.to_thread(publisher.publish, stream_id=7, type="pinned", data={"sku": "TEAPOT-1"})
            await asyncio.to_thread(publisher.publish, stream_id=8, type="pinned", data={"sku": "OTHER"})
            await asyncio.to_thread(publisher.publish, stream_id=7, type="offer", data={"remaining": 3})
            received = []
            for _ in range(2):
                event = await asyncio.wait_for(queue.get(), timeout=20)
                assert event is not None
                received.append((event.id, event.type, str(event.data)))
            return received

    assert asyncio.run(watch()) == [(1, "pinned", "{'sku': 'TEAPOT-1'}"), (2, "offer", "{'remaining': 3}")]
    assert viewer_side.last_id(stream_id=8) == 1


def test_a_reconnecting_viewer_gets_what_it_missed_within_the_replay_window(tmp_path: Path) -> None:
    path = str(tmp_path / "live_events.sqlite3")
    bus = SQLiteBus(path=path, replay=3)
    for number in range(1, 6):
        bus.publish(stream_id=1, type="offer", data={"remaining": 10 - number})
    other_process = SQLiteBus(path=path, replay=3)

    caught_up = other_process.replay(stream_id=1, after=3)
    assert [event.id for event in caught_up.events] == [4, 5]
    assert caught_up.complete
    too_late = other_process.replay(stream_id=1, after=1)  # events 2 fell out of the window
    assert [event.id for event in too_late.events] == [3, 4, 5]
    assert not too_late.complete
    assert other_process.publish(stream_id=1, type="status", data={"status": "ended"}).id == 6
