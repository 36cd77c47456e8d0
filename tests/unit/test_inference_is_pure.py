"""inference/ is a library of its own: it must never import Django or the web app."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("django", "rest_framework", "django_q", "studies", "vcfweb")


def test_no_module_of_inference_imports_the_web_stack() -> None:
    offenders = []
    for path in sorted((PROJECT_ROOT / "inference").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(PROJECT_ROOT)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN
            ]
    assert offenders == []


def test_importing_inference_loads_no_django() -> None:
    code = "import sys, inference; print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
