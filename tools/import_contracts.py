"""A custom import-linter contract: no app imports another app's private (``_name``) names.

import-linter's own contracts speak of modules; this one reads each module's ``from … import``
statements and refuses ``from other_app.x import _helper`` across top-level packages, so a helper
that two apps need moves to ``core`` (or is made public) instead of being borrowed. Registered in
``.importlinter`` under ``contract_types``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _source_path(module: str) -> Path | None:
    """The module's file, found without importing it (importing would need Django's settings)."""
    base = Path(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


class PrivateNamesContract(Contract):
    type_name = "private_names"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        packages = set(self.packages)  # type: ignore[arg-type]
        violations = []
        for module in sorted(graph.modules):
            top = module.split(".")[0]
            if top not in packages or ".migrations." in f"{module}.":
                continue
            path = _source_path(module)
            if path is None:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                imported_top = node.module.split(".")[0]
                if imported_top == top or imported_top not in packages:
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        violations.append(f"{module}:{node.lineno} imports {node.module}.{alias.name}")
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["violations"]:
            output.print_error(f"- {line}")
        output.new_line()
