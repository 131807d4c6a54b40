"""check_save_target: the one line that refuses a place no file can be saved at."""

import os

import pytest
from folder_helpers import read_only_folder

from tuiplay.engine.save_target import SaveTargetError, check_save_target


def refusal(path: str, **options) -> str:
    with pytest.raises(SaveTargetError) as caught:
        check_save_target(path, **options)
    return str(caught.value)


def test_a_file_in_a_writable_folder_may_be_saved(tmp_path):
    check_save_target(str(tmp_path / "run.json"))
    (tmp_path / "run.json").write_text("{}")
    check_save_target(str(tmp_path / "run.json"), replaceable=True)


def test_an_empty_name_is_refused():
    assert refusal("") == "the file name is empty; give one"


def test_a_folder_that_does_not_exist_is_named(tmp_path):
    path = str(tmp_path / "out" / "run.json")
    assert refusal(path) == f"{path}: folder {tmp_path / 'out'} does not exist"


def test_a_file_in_place_of_the_folder_is_named(tmp_path):
    (tmp_path / "good.json").write_text("{}")
    path = str(tmp_path / "good.json" / "x.json")
    assert refusal(path) == f"{path}: {tmp_path / 'good.json'} is a file, not a folder"


def test_a_folder_is_not_a_file_name(tmp_path):
    assert refusal(str(tmp_path)) == f"{tmp_path} is a folder; give a file name"


def test_only_a_regular_file_is_replaceable(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    check_save_target(str(pipe))  # a snapshot may write into a pipe
    assert refusal(str(pipe), replaceable=True) == (
        f"{pipe} is not a regular file (a device, pipe or socket); give a file name"
    )


def test_a_name_the_file_system_cannot_hold_is_one_line(tmp_path):
    path = str(tmp_path / ("x" * 5000) / "run.json")
    assert refusal(path) == f"{path}: File name too long"


def test_a_read_only_folder_is_named(tmp_path):
    with read_only_folder(tmp_path / "ro") as folder:
        path = str(folder / "run.json")
        assert refusal(path) == f"{path}: folder {folder} is not writable"
