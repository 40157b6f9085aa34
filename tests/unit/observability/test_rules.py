"""The alerting and recording rules are valid and do what their tests say (`promtool`)."""

import shutil
import subprocess
from pathlib import Path

from tests.unit.observability.promtool import OBSERVABILITY, prometheus_binary, write_rules


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [prometheus_binary("promtool"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )


def test_promtool_checks_the_rules(tmp_path: Path) -> None:
    rules = write_rules(tmp_path)
    checked = promtool("check", "rules", str(rules), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 11 rules found" in checked.stdout


def test_promtool_unit_tests_of_the_rules_pass(tmp_path: Path) -> None:
    write_rules(tmp_path)
    shutil.copy(OBSERVABILITY / "rules-test.yaml", tmp_path)
    tested = promtool("test", "rules", "rules-test.yaml", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout
