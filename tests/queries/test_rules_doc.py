"""The rules page lists every rule of the library."""

from __future__ import annotations

from pathlib import Path

from toxicpath.queries.loader import load_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rules_doc_lists_every_rule() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [rule.id for rule in load_rules() if f"`{rule.id}`" not in text]
    assert missing == []
