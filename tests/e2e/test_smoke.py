import subprocess
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_version_prints():
    out = subprocess.run([ROOT / ".build/debug/gatehouse", "version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("gatehouse ")
