"""The committed notebooks: saved from one clean run, shaped like every other lesson.

nbval (``make notebooks``) re-runs them and compares outputs; these tests read
the files as they are stored, which nbval does not check.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(p for p in NOTEBOOKS.glob("*.ipynb"))
SOLUTIONS = sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))
ALL = LESSONS + SOLUTIONS
SYLLABUS = [
    "00_start_here", "01_custom_lambda", "02_param_groups", "03_step", "04_exponential", "05_cosine",
    "06_warm_restarts", "07_one_cycle", "08_plateau", "09_cyclic", "10_warmup", "11_lr_range_test", "12_compare",
    "13_real_loop", "14_averaging_and_custom", "15_modern_practice", "16_why_schedules_work",
]
STRATEGY_LESSONS = [p for p in LESSONS if "01" <= p.stem[:2] <= "10"]
IGNORED = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def ids(paths):
    return [str(p.relative_to(NOTEBOOKS)) for p in paths]


def test_every_lesson_of_the_syllabus_is_there_and_named_nn_topic():
    names = [p.stem for p in LESSONS]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", n) for n in names), names
    assert set(SYLLABUS) <= set(names)


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_saved_from_one_clean_run(path):
    counts = [c["execution_count"] for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), "run `make execute` to save it from one top-to-bottom run"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_no_errors_or_stray_warnings_are_stored(path):
    for cell in code_cells(load(path)):
        source = "".join(cell["source"])
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"stored error in cell: {source[:60]!r}"
            if out.get("name") == "stderr":
                assert any(m in source for m in IGNORED), f"stderr output in cell: {source[:60]!r}"
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            if not any(m in source for m in IGNORED):
                assert not re.search(r"at 0x[0-9a-f]{6,}", text), f"memory address in output of {source[:60]!r}"
                assert not re.search(r"/(root|tmp|home)/", text), f"machine path in output of {source[:60]!r}"


# The first code cell of every notebook, to the character: in Colab it installs the course, elsewhere it
# only imports it; lc.setup applies the house style, seeds torch and sets numpy's print options.
SETUP_CELL = """\
# Setup. In Colab, the first run installs lrcourse; the preinstalled torch is kept.
try:
    import lrcourse as lc
except ModuleNotFoundError:
    %pip install --quiet "lrcourse @ git+https://github.com/lrcourse/lrcourse"
    import lrcourse as lc
lc.setup(seed=0)"""
HOME = "lrcourse/lrcourse"  # the course's repository on GitHub, branch main


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_setup_cell_first(path):
    cells = code_cells(load(path))
    assert "".join(cells[0]["source"]) == SETUP_CELL
    # the lesson's own imports come next, without the lines lc.setup does
    second = "".join(cells[1]["source"])
    for line in ("lc.use_style()", "torch.manual_seed(0)", "np.set_printoptions(precision=6, suppress=True)"):
        assert line not in second, f"{line} repeats what lc.setup does"
    assert re.match(r"(#.*\n)*(import|from) ", second), "the second code cell starts with the lesson's imports"


# Plain links, not badge images: a badge's image loads from another host, and in JupyterLab without a
# network (a workshop room) it shows as a broken image in every title cell.
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_title_cell_links_to_this_notebook_in_colab_and_binder_without_images(path):
    title = next(c for c in load(path)["cells"] if c["cell_type"] == "markdown")
    lines = "".join(title["source"]).splitlines()
    here = path.relative_to(ROOT).as_posix()
    assert lines[0].startswith("# ")
    assert lines[1:4] == [
        "",
        f"[Open in Colab](https://colab.research.google.com/github/{HOME}/blob/main/{here}) ·",
        f"[Launch on Binder](https://mybinder.org/v2/gh/{HOME}/main?urlpath=lab/tree/{here})",
    ]
    markdown = "".join("".join(c["source"]) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    assert not re.search(r"!\[[^\]]*\]\(https?://", markdown), "an image from another host breaks offline"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_ends_with_summary_and_exercises(path):
    headings = [
        line.strip()
        for c in load(path)["cells"] if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines() if line.startswith("#")
    ]
    assert "## Summary" in headings and "## Exercises" in headings
    assert headings.index("## Summary") < headings.index("## Exercises")


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_every_exercise_has_a_tested_worked_solution(path):
    source = "".join("".join(c["source"]) for c in code_cells(load(path)))
    asked = set(re.findall(r'lc\.check\("(\d\d\.\d)"', source))
    assert asked, "a lesson has at least one checked exercise"
    solution = NOTEBOOKS / "solutions" / f"{path.stem}_solutions.ipynb"
    assert solution.exists(), f"missing {solution.name}"
    code = "".join("".join(c["source"]) for c in code_cells(load(solution)))
    solved = set(re.findall(r'lc\.check\("(\d\d\.\d)"', code))
    assert asked == solved


def outputs_text(cell):
    """Everything a code cell's stored outputs show as text."""
    texts = []
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
        texts.append("".join(output.get("data", {}).get("text/markdown", "")))
    return "".join(texts)


def lesson_exercises(path):
    """The course's exercises that a lesson notebook asks."""
    from lrcourse.exercises import EXERCISES

    return {exercise_id: exercise for exercise_id, exercise in EXERCISES.items() if exercise_id[:2] == path.stem[:2]}


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_no_stored_output_shows_a_hint_or_an_answer(path):
    """Hints stay hidden until lc.hint is run, and a lesson is stored with its exercises unanswered."""
    exercises = lesson_exercises(path)
    markdown = "".join("".join(c["source"]) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    for cell in code_cells(load(path)):
        shown = outputs_text(cell)
        for exercise in exercises.values():
            assert exercise.hint not in shown, f"the hint of {exercise.id} is in a stored output"
            assert exercise.hint not in markdown, f"the hint of {exercise.id} is in the lesson's text"
        assert not re.search(r"^Correct\b", shown, re.M), f"a stored output shows a solved exercise: {shown[:200]}"
        assert not re.search(r"^\s*lc\.hint\(", "".join(cell["source"]), re.M), "a hint is run in a stored cell"
    for exercise_id in exercises:
        assert f'lc.hint("{exercise_id}")' in markdown, f"the lesson does not say how to ask for {exercise_id}'s hint"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_every_solution_explains_the_common_wrong_answer_and_shows_its_verdict(path):
    """Each "## NN.k" section of the solutions names a common wrong answer and runs the checker on it."""
    solution = load(NOTEBOOKS / "solutions" / f"{path.stem}_solutions.ipynb")
    sections, current = {}, None
    for cell in solution["cells"]:
        heading = re.match(r"## (\d\d\.\d)\b", "".join(cell["source"])) if cell["cell_type"] == "markdown" else None
        if heading:
            current = sections.setdefault(heading.group(1), [])
        if current is not None:
            current.append(cell)
    assert set(sections) == set(lesson_exercises(path))
    for exercise_id, cells in sections.items():
        texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        lines = [line for text in texts for line in text.splitlines()]
        assert any(line.startswith("**Common wrong answer:**") for line in lines), exercise_id
        verdicts = "".join(outputs_text(c) for c in cells if c["cell_type"] == "code")
        assert re.search(r"^Correct\b", verdicts, re.M), f"{exercise_id}: the solution's verdict is not shown"
        assert re.search(r"^Not yet\b", verdicts, re.M), f"{exercise_id}: the wrong answer's verdict is not shown"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_markdown_keeps_one_sentence_per_line(path):
    """Short diffs: a sentence ends a line (tables and lists of short items excepted)."""
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.startswith("|"):
                continue
            line = re.sub(r"^\s*(#+\s*)?\d+\.\s", "", line)  # a numbered item or heading is not a sentence end
            assert not re.search(r"[a-z0-9)`][.!?] +[A-Z]", line.replace("e.g. ", "").replace("i.e. ", "")), line


@pytest.mark.parametrize("path", STRATEGY_LESSONS, ids=ids(STRATEGY_LESSONS))
def test_strategy_lessons_train_a_real_model(path):
    """Each strategy is also shown on the digits, fairly: lc.compare over seeds, against a tuned constant LR."""
    nb = load(path)
    headings = [line.strip() for c in nb["cells"] if c["cell_type"] == "markdown"
                for line in "".join(c["source"]).splitlines() if line.startswith("#")]
    assert "## On a real task" in headings
    real_task = "".join("".join(c["source"]) for c in code_cells(nb))
    assert "lc.compare(" in real_task, "the real-task section compares schedules with lc.compare"
    tuned = "lc.lr_grid(" in real_task or "lr_find(" in real_task
    assert tuned, "the constant baseline is tuned: a grid or a range test"
    assert re.search(r"\bassert\b", real_task), "a conclusion drawn in the prose is asserted in code"


# A float written in a stored output: decimal or scientific, signed or not ("1.7e-21", "-3e-16", "0.0e+00").
PRINTED_FLOAT = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
# Zero in scientific notation: nobody writes a result that way; it is a difference formatted with :e.
SCIENTIFIC_ZERO = re.compile(r"(?<![\w.])[-+]?0(?:\.0*)?[eE][-+]?\d+(?![\w.])")
# A tolerance a cell states ("agree to rtol 1e-15"): chosen by the author, the same on every CPU.
STATED_TOLERANCE = re.compile(r"\b(?:rtol|atol|tolerance)\s*(?:=|of)?\s*[-+]?[\d.]+(?:[eE][-+]?\d+)?")
# Below this, a printed float is at the scale of double rounding (eps = 2.2e-16 times a value near 1):
# the size of a last-bit difference, which numpy, torch and MKL change from CPU to CPU with their kernels.
RESIDUE = 1e-12
# Tiny numbers that are results, not residues, each printed from exact float arithmetic: products of
# Python floats by 0.5 or 0.1 in torch's scheduler (pure Python, no SIMD kernel) or Python's own power.
GENUINELY_TINY = {
    # 0.001 * 0.1 ** 16: StepLR stepped per batch, dropping 16 times by epoch 50; printed to 3 digits.
    ("00_start_here", "LR at epoch 50: 1e-19"),
    # 0.1 * 0.5 ** 99 and 0.1 * 0.5 ** 50: halving is exact in binary floating point.
    ("03_step", "lr[-1]=1.57772e-31"),
    ("03_step", "epoch 50: lr = 8.88178e-17"),
    # Python's 0.5 ** 100 (exact: a power of two), printed to 3 digits.
    ("04_exponential", "7.89e-31"),
}


def rounding_residues(text: str, notebook: str) -> list[str]:
    """The lines of ``text`` that print a rounding residue: a float below RESIDUE, or a zero like 0.0e+00."""
    found = []
    for line in text.splitlines():
        if any(notebook == name and allowed in line for name, allowed in GENUINELY_TINY):
            continue
        measured = STATED_TOLERANCE.sub("", line)
        tiny = [m for m in PRINTED_FLOAT.findall(measured) if 0 < abs(float(m)) < RESIDUE]
        if tiny or SCIENTIFIC_ZERO.search(measured):
            found.append(line.strip())
    return found


def test_rounding_residue_finder():
    assert rounding_residues("torch and the closed form agree on all 100 steps; max |diff| = 1.7e-21", "x")
    assert rounding_residues("agree to max relative diff 0e+00", "x")
    assert rounding_residues("max |diff| = 0.0e+00 and 3e-16", "x")
    assert rounding_residues("LR at epoch 50: 1e-19", "03_step")  # allowed only where it is listed
    assert not rounding_residues("LR at epoch 50: 1e-19", "00_start_here")
    assert not rounding_residues("agree to rtol 1e-13 on all 100 steps; lr 0.0001, loss 1.5e-05, 0.0, 10e+00", "x")
    assert not rounding_residues("equal to atol=1e-18 and within a tolerance of 1e-15", "x")
    assert rounding_residues("rtol 1e-13 holds; max diff 4e-16", "x")  # the residue beside it still counts


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_no_stored_output_prints_a_rounding_residue(path):
    notebook = path.stem.removesuffix("_solutions")
    for cell in code_cells(load(path)):
        for out in cell["outputs"]:
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            residues = rounding_residues(text, notebook)
            assert not residues, (
                f"{residues} in the output of {''.join(cell['source'])[:60]!r}: a last-bit difference changes "
                "from CPU to CPU; assert the tolerance and print that (`agree to rtol 1e-12 on all 100 steps`)"
            )
    for name, allowed in GENUINELY_TINY:  # the allow-list holds nothing stale
        if name == path.stem:
            assert allowed in json.dumps(load(path)), f"{allowed!r} is no longer printed by {name}"
