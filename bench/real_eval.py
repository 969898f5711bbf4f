"""How wirewatch does on real wire copy: one replay of a labelled corpus, scored.

    python bench/real_eval.py [CORPUS_DIR] [--json FILE] [--save-report FILE | --report FILE]

CORPUS_DIR (default ``../shared/eval/real-wire`` from the repository root) holds
``articles.jsonl`` (in publication order), ``watchlist.yaml`` and ``gold.yaml`` (its
README says how they are labelled). The articles go through ONE in-process replay
(``agents.replay.replay``), and its report is scored against the gold:

* claims, keyed by (article, entity, attribute, value), every claim extracted (not only
  those that alerted): precision and recall overall and per attribute, and of the claims
  both record, how many carry the gold's attribution (a source, or none);
* expected alerts met, by type: an alert of the same type about the same person, with
  the same new status (status_change) or on the same attribute (conflict); each alert
  meets at most one expectation. A status_change from an article published before the
  expected one meets nothing: the corpus's README counts the change at the first
  article reporting the new status, and a contested claim before it (one source's
  claim of a death, the confirmation later) is no change;
* duplicates: labelled copy pairs with one of the two dropped, also counted over the pairs
  whose shared word 5-shingles are at least 45% of the shorter text (the copies text
  comparison can tie), and articles dropped that belong to no labelled pair;
* conflict alerts about a (person, attribute) the gold expects no conflict on, alerts in all.

Values are compared through ``bench/data/real_vocab.yaml``, the corpus's vocabulary:
wirewatch's forms of a value and the gold's fold to one. ``--report`` scores a saved
replay report instead of running one (to work on the scorer without a replay).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import orjson
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streams.claim_values import fold  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "real-wire"
DEFAULT_VOCAB = ROOT / "bench" / "data" / "real_vocab.yaml"
ALERT_TYPES = ("new_entity", "status_change", "conflict")
COPY_OVERLAP = 0.45
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Vocabulary:
    """Gold value forms by attribute (``real_vocab.yaml``); folds any value to gold's."""

    forms: dict[str, list[tuple[str, str]]]  # attribute -> (folded form, gold), longest first

    @classmethod
    def load(cls, path: Path = DEFAULT_VOCAB) -> Vocabulary:
        return cls.from_dict(yaml.safe_load(path.read_text("utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, list[str]]]) -> Vocabulary:
        forms = {}
        for attribute, table in data.items():
            pairs = {(fold(f), gold) for gold, names in table.items() for f in [gold, *names]}
            forms[attribute] = sorted(pairs, key=lambda p: -len(p[0]))
        return cls(forms)

    def value(self, attribute: str, value: Any) -> str:
        """The gold form of ``value``: a listed form, or a value containing one as whole
        words ("the militants of X" -> X), else the folded value itself."""
        key = fold(str(value))
        for form, gold in self.forms.get(attribute, ()):
            if key == form:
                return fold(gold)
        for form, gold in self.forms.get(attribute, ()):
            if form and re.search(rf"(?<!\w){re.escape(form)}(?!\w)", key):
                return fold(gold)
        return key

    def attribution_matches(self, got: str | None, gold: str | None) -> bool:
        """Both none, or wirewatch's source names the gold's (one of its forms)."""
        if got is None or gold is None:
            return got is None and gold is None
        names = {_source(gold), *(_source(p) for p in re.split(r"[()]", gold) if p.strip())}
        names |= {_source(f) for f, g in self.forms.get("attribution", ())
                  if _source(g) in names}
        key = _source(got)
        return any(n and (n == key or _contains(key, n) or _contains(n, key)) for n in names)


def _source(name: str) -> str:
    """A source name folded for comparison: "the U.S. officials" ~ "US officials", "his
    family" ~ "family"."""
    return re.sub(r"^(?:his|her|their|its)\s+", "", fold(name).replace(".", ""))


def _contains(text: str, part: str) -> bool:
    return len(part) >= 3 and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text) is not None


# ---------------------------------------------------------------------------- scoring

def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def score_claims(gold: list[dict[str, Any]], got: list[dict[str, Any]], names: dict[str, str],
                 vocab: Vocabulary) -> dict[str, Any]:
    """Precision/recall by attribute and attribution accuracy, per (article, entity,
    attribute, value); ``names`` maps wirewatch entity names to the gold's."""
    def key(article: str, entity: str, attribute: str, value: Any) -> tuple[str, ...]:
        return (article, fold(entity), attribute, vocab.value(attribute, value))

    want: dict[tuple[str, ...], str | None] = {}
    for c in gold:
        want.setdefault(key(c["article"], c["entity"], c["attribute"], c["value"]),
                        c.get("attribution"))
    have: dict[tuple[str, ...], list[str | None]] = defaultdict(list)
    for c in got:
        entity = names.get(fold(c["entity"]), c["entity"])
        have[key(c["article_id"], entity, c["attribute"], c["value"])].append(c["attribution"])
    attributes = sorted({k[2] for k in want} | {k[2] for k in have})
    rows: dict[str, dict[str, Any]] = {}
    for attribute in ["all", *attributes]:
        w = {k for k in want if attribute in ("all", k[2])}
        h = {k for k in have if attribute in ("all", k[2])}
        right = w & h
        attributed = sum(any(vocab.attribution_matches(a, want[k]) for a in have[k])
                         for k in right)
        rows[attribute] = {"gold": len(w), "recorded": len(h), "right": len(right),
                           "precision": _ratio(len(right), len(h)),
                           "recall": _ratio(len(right), len(w)),
                           "attribution": _ratio(attributed, len(right))}
    return {"by_attribute": rows,
            "missed": sorted(want.keys() - have.keys()),
            "wrong": sorted(have.keys() - want.keys())}


def _alert_matches(expected: dict[str, Any], alert: dict[str, Any], vocab: Vocabulary,
                   published: dict[str, str]) -> bool:
    if alert["type"] != expected["type"] or fold(alert["entity"]) != fold(expected["entity"]):
        return False
    if expected["type"] == "status_change":
        early = published.get(alert["article_id"], "")[:10] < str(
            expected.get("published_at") or "")[:10]
        return not early and vocab.value("status", alert.get("value")) == vocab.value(
            "status", expected["to"])
    if expected["type"] == "conflict":
        return alert.get("attribute") == expected["attribute"]
    return True


def score_alerts(expected: list[dict[str, Any]], alerts: list[dict[str, Any]],
                 vocab: Vocabulary, published: dict[str, str]) -> dict[str, Any]:
    """Expected alerts met by type (an alert at the expected article preferred), conflict
    alerts outside the gold's (person, attribute) pairs, alerts in all; ``published``
    maps article ids to their publication times."""
    used: set[int] = set()
    met: dict[str, list[int]] = {t: [0, 0, 0] for t in ALERT_TYPES}  # expected, met, on time
    unmet = []
    for exp in expected:
        counts = met.setdefault(exp["type"], [0, 0, 0])
        counts[0] += 1
        fits = [i for i, a in enumerate(alerts)
                if i not in used and _alert_matches(exp, a, vocab, published)]
        fits.sort(key=lambda i: alerts[i]["article_id"] != exp["article"])
        if not fits:
            unmet.append(exp)
            continue
        used.add(fits[0])
        counts[1] += 1
        counts[2] += alerts[fits[0]]["article_id"] == exp["article"]
    gold_conflicts = {(fold(e["entity"]), e["attribute"]) for e in expected
                      if e["type"] == "conflict"}
    outside = [a for a in alerts if a["type"] == "conflict"
               and (fold(a["entity"]), a.get("attribute")) not in gold_conflicts]
    by_type: dict[str, int] = defaultdict(int)
    for a in alerts:
        by_type[a["type"]] += 1
    return {"met": {t: {"expected": e, "met": m, "at_article": o} for t, (e, m, o) in met.items()},
            "met_all": sum(m for _, m, _ in met.values()), "expected_all": len(expected),
            "unmet": unmet, "conflicts_outside_gold": len(outside),
            "conflicts_outside": outside, "alerts": len(alerts), "alerts_by_type": dict(by_type)}


def shingle_overlap(a: str, b: str, n: int = 5) -> float:
    """Shared word n-shingles as a share of the shorter text's."""
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = _WORD.findall(text.lower())
        return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0


def score_duplicates(pairs: list[dict[str, Any]], dropped: Iterable[str],
                     bodies: dict[str, str]) -> dict[str, Any]:
    """Labelled pairs with a member dropped (all, and those text can tie) and other drops."""
    gone = set(dropped)
    members = {p[k] for p in pairs for k in ("copy", "original")}
    tieable = [p for p in pairs if shingle_overlap(bodies.get(p["copy"], ""),
                                                   bodies.get(p["original"], "")) >= COPY_OVERLAP]
    def caught(ps: list[dict[str, Any]]) -> int:
        return sum(bool({p["copy"], p["original"]} & gone) for p in ps)
    return {"pairs": len(pairs), "caught": caught(pairs), "tieable_pairs": len(tieable),
            "tieable_caught": caught(tieable), "other_dropped": sorted(gone - members)}


def entity_names(watchlist: dict[str, Any], report: dict[str, Any]) -> dict[str, str]:
    """Folded wirewatch entity name -> the watchlist's canonical name (by name, else id)."""
    canon = {fold(e["name"]): e["name"] for e in watchlist["entities"]}
    out = {}
    for c in report.get("claims", []):
        for text in (c["entity"], c["entity_id"].replace("-", " ").replace("_", " ")):
            if fold(text) in canon:
                out[fold(c["entity"])] = canon[fold(text)]
                break
    return out


def score(report: dict[str, Any], gold: dict[str, Any], watchlist: dict[str, Any],
          bodies: dict[str, str], vocab: Vocabulary,
          published: dict[str, str]) -> dict[str, Any]:
    """All figures of one replay report against the gold (``bodies`` and ``published``:
    the corpus's article texts and publication times by id)."""
    names = entity_names(watchlist, report)
    alerts = [{**a, "entity": names.get(fold(a["entity"]["name"]), a["entity"]["name"])}
              for a in report["alerts"]]
    return {
        "articles": report["published"], "analysed": report["analysed"],
        "elapsed_s": report["elapsed_s"],
        "claims": score_claims(gold["claims"], report.get("claims", []), names, vocab),
        "alerts": score_alerts(gold["expected_alerts"], alerts, vocab, published),
        "duplicates": score_duplicates(gold["duplicates"], [d["id"] for d in report["duplicates"]],
                                       bodies),
    }


# ---------------------------------------------------------------------------- output

def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def render(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"claims ({figures['articles']} articles, "
                        f"{figures['analysed']} analysed, {figures['elapsed_s']:.0f}s)")
    for col in ("attribute", "gold", "recorded", "right", "recall", "precision", "attribution"):
        table.add_column(col, justify="left" if col == "attribute" else "right")
    for attribute, r in figures["claims"]["by_attribute"].items():
        table.add_row(attribute, str(r["gold"]), str(r["recorded"]), str(r["right"]),
                      _fmt(r["recall"]), _fmt(r["precision"]), _fmt(r["attribution"]))
    console.print(table)
    alerts = figures["alerts"]
    table = Table(title=f"expected alerts met: {alerts['met_all']} of {alerts['expected_all']}")
    for col in ("type", "expected", "met", "at the article", "alerts sent"):
        table.add_column(col, justify="left" if col == "type" else "right")
    for t, m in alerts["met"].items():
        table.add_row(t, str(m["expected"]), str(m["met"]), str(m["at_article"]),
                      str(alerts["alerts_by_type"].get(t, 0)))
    console.print(table)
    dup = figures["duplicates"]
    console.print(f"conflict alerts outside the gold: {alerts['conflicts_outside_gold']}; "
                  f"alerts in all: {alerts['alerts']}")
    console.print(f"duplicates: {dup['caught']} of {dup['pairs']} labelled pairs dropped "
                  f"({dup['tieable_caught']} of the {dup['tieable_pairs']} sharing >= "
                  f"{COPY_OVERLAP:.0%} of 5-shingles); other articles dropped: "
                  f"{len(dup['other_dropped'])} {dup['other_dropped'] or ''}")


@click.command()
@click.argument("corpus", required=False, default=str(DEFAULT_CORPUS),
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the figures (and the missed/wrong claims) here.")
@click.option("--vocab", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=DEFAULT_VOCAB, show_default=True)
@click.option("--report", "report_in", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Score this saved replay report instead of replaying.")
@click.option("--save-report", type=click.Path(dir_okay=False, path_type=Path),
              help="Keep the replay report here.")
def main(corpus: Path, json_out: Path | None, vocab: Path, report_in: Path | None,
         save_report: Path | None) -> None:
    """Replay CORPUS once in publication order and score it against its gold."""
    gold = yaml.safe_load((corpus / "gold.yaml").read_text("utf-8"))
    watchlist = yaml.safe_load((corpus / "watchlist.yaml").read_text("utf-8"))
    articles = corpus / "articles.jsonl"
    corpus_articles = [orjson.loads(line) for line in articles.read_bytes().splitlines()]
    bodies = {a["id"]: a.get("body", "") for a in corpus_articles}
    published = {a["id"]: a.get("published_at") or "" for a in corpus_articles}
    if report_in is not None:
        report = orjson.loads(report_in.read_bytes())
    else:
        from agents.replay import replay
        from streams.settings import Settings

        result = replay([articles], settings=Settings(), watchlist=corpus / "watchlist.yaml")
        if save_report:
            save_report.write_bytes(result.to_json())
        report = orjson.loads(result.to_json())
    figures = score(report, gold, watchlist, bodies, Vocabulary.load(vocab), published)
    render(figures)
    if json_out:
        json_out.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
