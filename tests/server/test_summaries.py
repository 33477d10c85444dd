"""Headlines of batch sync results, as the model reads them."""

from argonaut_mcp.rollout.contracts import BatchSyncResult, PlannedBatch
from argonaut_mcp.server.summaries import headline


def complete_result(batches: int, apps: list[str]) -> BatchSyncResult:
    plan = [PlannedBatch(number=number, apps=apps) for number in range(1, batches + 1)]
    return BatchSyncResult(run_id="r1", status="complete", plan=plan, completed=apps, total_apps=len(apps))


def test_headline_one_batch():
    result = complete_result(1, ["web-a", "web-b"])

    assert headline(result) == "The batch is complete: 2 apps synced and Healthy."


def test_headline_many_batches():
    result = complete_result(11, ["web-a"])

    assert headline(result) == "All 11 batches complete: 1 app synced and Healthy."
