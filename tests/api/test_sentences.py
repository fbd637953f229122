"""Every sentence a page may show from the engine or a use case has a catalog template
(``api.pages.sentences``), so a Khmer page says it in Khmer.

The first test reads the sentences' wording from the modules that write them: a new
sentence, or new words in one, fails it until the book holds a template for them. The
second drives the engine over the study's situations and reads every reason back.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from api.pages import reasons
from api.pages.sentences import BOOK
from matcher.outcomes import FEATURE_WORDS
from training_catalog import rules

ROOT = Path(__file__).resolve().parents[2]
# The modules whose sentences pages show, and which of their strings are sentences:
# "all" (every string with a space but docstrings), "raised" (what a raise says).
WRITERS = {
    "matcher/explain.py": "all",
    "matcher/allocate/words.py": "all",
    "matcher/retention.py": "all",
    "casework/closure.py": "all",
    "market_survey/schema.py": "all",
    "market_survey/references.py": "all",
    "api/services/referrals.py": "raised",
    "api/services/placements.py": "raised",
    "api/services/follow_ups.py": "raised",
    "api/services/consents.py": "raised",
    "api/services/employers.py": "raised",
}
# Strings of those modules that no page shows as a sentence: codes, joiners, patterns,
# programming errors.
NOT_SHOWN = re.compile(r"^(rule \w+|pay unit|\[,\(\)/\]\| and \| or )$")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _fragments(node: ast.AST) -> list[str]:
    """The literal words of a string or f-string, split where a value goes in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    assert isinstance(node, ast.JoinedStr)
    pieces, current = [], ""
    for value in node.values:
        if isinstance(value, ast.Constant):
            current += str(value.value)
        else:
            pieces.append(current)
            current = ""
    return [*pieces, current]


def _strings(tree: ast.AST, which: str) -> list[ast.AST]:
    if which == "raised":
        return [
            arg
            for node in ast.walk(tree)
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            for arg in node.exc.args[:1]
            if isinstance(arg, ast.Constant | ast.JoinedStr)
        ]
    inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    docs = _docstrings(tree)
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant | ast.JoinedStr)
        and id(node) not in inner | docs
        and (not isinstance(node, ast.Constant) or isinstance(node.value, str))
    ]


def _written() -> list[tuple[str, int, str]]:
    found = []
    for path, which in WRITERS.items():
        tree = ast.parse((ROOT / path).read_text())
        for node in _strings(tree, which):
            whole = "".join(_fragments(node))
            if " " not in whole.strip() or NOT_SHOWN.match(whole):
                continue
            for fragment in _fragments(node):
                words = fragment.strip(" ,.;:()'\"")
                if re.search("[A-Za-z]{2}", words):
                    found.append((path, node.lineno, words))
    return found


BOOK_TEXT = [PLACEHOLDER.sub("\x00", msgid).replace("%%", "%") for msgid in BOOK]


def test_every_sentence_a_page_shows_has_a_template_in_the_book() -> None:
    missing = [
        f"{path}:{line}: {words!r}"
        for path, line, words in _written()
        if not any(words in text for text in BOOK_TEXT)
    ]
    assert not missing, "add a template to api/pages/sentences.py for:\n" + "\n".join(missing)


def test_every_reason_the_engine_gives_the_sample_is_in_the_book(client, runner, token, auth):
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    counsellor = auth(token("counsellor", org="Svay Rieng Shelter"))
    survivors = client.get("/api/v1/survivors?limit=100", headers=counsellor).get_json()["items"]
    sentences: list[str] = []
    for survivor in survivors:
        answer = client.post(
            f"/api/v1/survivors/{survivor['id']}/recommendations",
            json={"limit": 50},
            headers=counsellor,
        ).get_json()
        for item in answer["items"]:
            sentences += item["reasons"] + item["warnings"]
        sentences += [e["reason"] for e in answer["excluded"]]
    cohort = {"survivor_ids": [s["id"] for s in survivors]}
    allocation = client.post("/api/v1/allocations", json=cohort, headers=counsellor).get_json()
    sentences += [a["explanation"] for a in allocation["assignments"]]
    assert len(sentences) > 100
    unknown = sorted({s for s in sentences if not reasons.known(s)})
    assert not unknown, "\n".join(unknown)


def test_every_rule_a_vacancy_s_finding_cites_is_in_the_book() -> None:
    cited = [value for name, value in vars(rules).items() if name.startswith("RULE_")]
    assert len(cited) >= 5
    assert [rule for rule in cited if not reasons.known(rule)] == []


def test_every_input_the_outcome_model_names_is_in_the_book() -> None:
    assert [words for words in FEATURE_WORDS.values() if not reasons.known(words)] == []
    said = reasons.read("Raises it most: net income against the living wage")
    assert said == ("Raises it most: %(why)s", {"why": "net income against the living wage"})
