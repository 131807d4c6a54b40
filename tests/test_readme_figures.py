"""The figures the README quotes are what the code prints today."""

import csv
import io
import re
from pathlib import Path

from tuiplay.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
TABLE_ROW = re.compile(r"^\| ([\d,]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)% \| ([\d.]+)% \|$")


def readme_video_rows() -> list[tuple[str, ...]]:
    """The rows of the README's two tables of `tuiplay compare --video --seed 0.12345`."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("tuiplay compare --video --seed 0.12345` (300 epochs") :]
    section = section[: section.index("The video's lesson in numbers")]
    return [match.groups() for line in section.splitlines() if (match := TABLE_ROW.match(line))]


def test_the_readme_video_tables_are_what_compare_prints(capsys):
    assert main(["compare", "--video", "--seed", "0.12345", "--format", "csv"]) == 0
    printed = [
        (
            row["hidden"],
            f"{float(row['train_loss']):.6f}",
            f"{float(row['test_loss']):.6f}",
            f"{100 * float(row['train_accuracy']):.1f}",
            f"{100 * float(row['test_accuracy']):.1f}",
        )
        for row in csv.DictReader(io.StringIO(capsys.readouterr().out))
    ]
    assert len(printed) == 14
    assert readme_video_rows() == printed
