"""What the steppe package's tests share: the source tree, the steppe program, and a helper that
runs the program and reads the CSV files it writes, as pandas reads them back."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(os.environ.get("STEPPE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
STEPPE = pathlib.Path(os.environ.get("STEPPE_BINARY", ROOT / "build" / "release" / "tools" / "steppe"))


@pytest.fixture
def root():
    return ROOT


@pytest.fixture
def cli(tmp_path):
    """cli(*arguments) runs `steppe` with them in a scratch folder (run and compare get
    `--out <folder> --quiet` added) and returns the folder its files went to."""
    def run(*arguments):
        out = tmp_path / "out"
        command = [str(STEPPE), *map(str, arguments)]
        if arguments[0] in ("run", "compare"):
            command += ["--out", str(out), "--quiet"]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
        return out
    return run


def read_csv(path):
    """A CSV file of steppe's as pandas reads it, every double exactly as written."""
    import pandas
    return pandas.read_csv(path, float_precision="round_trip")


def assert_same_table(frame, path):
    """`frame` holds exactly what the CSV file at `path` holds: the same columns, rows and values
    (every number equal, not close). A column of whole numbers reads back as integers; its
    values still have to be equal."""
    from pandas.testing import assert_frame_equal
    assert_frame_equal(frame, read_csv(path), check_exact=True, check_dtype=False, obj=path.name)
