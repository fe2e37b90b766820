"""README's code runs as printed: a learner who pastes it into a notebook gets no error."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def test_readme_python_blocks_run_in_order():
    blocks = python_blocks()
    assert len(blocks) >= 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # one namespace, as in one notebook
    # The comparison block leaves a leaderboard with both schedules, 3 seeds each.
    result = namespace["result"]
    assert set(result.leaderboard.index) == {"constant", "cosine"}
    assert result.seeds == (0, 1, 2)
