import pytest


@pytest.fixture(autouse=True)
def _own_checkpoint_file(tmp_path, settings):
    """Each test signs its checkpoints into its own file (they belong to its database)."""
    settings.WHITEWALL_AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.jsonl"
    yield
