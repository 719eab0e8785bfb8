"""Score the reply classifier on the labelled corpus: ``python -m tests.corpus.score``.

    python -m tests.corpus.score               # the development corpus (dev_*.tsv)
    python -m tests.corpus.score --held-out    # the replies it has never seen (heldout.tsv)
    python -m tests.corpus.score --second-held-out    # heldout2.tsv
    python -m tests.corpus.score --third-held-out     # heldout3.tsv (misses the targets: docs)
    python -m tests.corpus.score --file heldout4.tsv  # any one file of tests/corpus
    python -m tests.corpus.score --errors      # also list every reply it gets wrong

Every language is switched on (the hardest setting: the most keywords and rules at once) and the
default band policy is used (certain and likely act, possible is reviewed), exactly as the worker
would with ``CONSENT_GATE_KEYWORD_LANGUAGES=all``.

Labels: ``keyword`` (an exact keyword opt-out), ``optout`` (a plain-language opt-out), ``hard``
(not an opt-out, with keyword-like words in it), ``other`` (not an opt-out).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from streams.core.intents import BANDS, Handling, ReplyClassifier
from streams.core.keywords import SUPPORTED_LANGUAGES, Intent, KeywordPolicy

HERE = Path(__file__).resolve().parent
LABELS = ("keyword", "optout", "hard", "other")
#: The issue's targets.
TARGETS = {
    "keyword_acted": 1.0,
    "optout_acted_or_review": 0.95,
    "optout_acted": 0.85,
    "negative_acted_max": 0.01,
    "negative_review_max": 0.05,
}


@dataclass(frozen=True, slots=True)
class Row:
    language: str
    label: str
    text: str


@dataclass
class Scored:
    row: Row
    handling: Handling
    band: str | None
    rule: str | None

    @property
    def wrong(self) -> bool:
        if self.row.label == "keyword":
            return self.handling is not Handling.ACT
        if self.row.label == "optout":
            return self.handling is not Handling.ACT
        return self.handling is not Handling.NONE


def load(paths: Iterable[Path]) -> list[Row]:
    rows: list[Row] = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            language, label, text = line.split("\t", 2)
            if label not in LABELS or language not in SUPPORTED_LANGUAGES:
                raise ValueError(f"{path.name}:{number}: bad language or label: {line!r}")
            rows.append(Row(language, label, text))
    return rows


def dev_rows() -> list[Row]:
    return load(sorted(HERE.glob("dev_*.tsv")))


def held_out_rows() -> list[Row]:
    return load([HERE / "heldout.tsv"])


def second_held_out_rows() -> list[Row]:
    return load([HERE / "heldout2.tsv"])


def third_held_out_rows() -> list[Row]:
    """Written by someone who had not read the rules; scored once, never used to tune."""
    return load([HERE / "heldout3.tsv"])


def classifier() -> ReplyClassifier:
    return ReplyClassifier(KeywordPolicy(SUPPORTED_LANGUAGES))


def classify(rows: Sequence[Row], clf: ReplyClassifier | None = None) -> list[Scored]:
    clf = clf or classifier()
    scored = []
    for row in rows:
        match = clf.classify(row.text)
        band = match.band if match.intent is Intent.OPT_OUT else None
        # Only what the reply does to an opt-out counts here (an exact YES is an opt-in).
        handling = clf.handling(match) if match.intent is Intent.OPT_OUT else Handling.NONE
        scored.append(Scored(row, handling, band, match.rule))
    return scored


@dataclass
class Figures:
    """Counts for one group of replies (a language, or all)."""

    counts: Counter[tuple[str, Handling]] = field(default_factory=Counter)
    bands: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (band, is an opt-out)

    def add(self, s: Scored) -> None:
        self.counts[(s.row.label, s.handling)] += 1
        if s.band is not None:
            self.bands[(s.band, s.row.label in ("keyword", "optout"))] += 1

    def total(self, *labels: str) -> int:
        return sum(n for (label, _), n in self.counts.items() if label in labels)

    def share(self, labels: tuple[str, ...], *handlings: Handling) -> float | None:
        total = self.total(*labels)
        if not total:
            return None
        hits = sum(n for (lab, h), n in self.counts.items() if lab in labels and h in handlings)
        return hits / total

    def rates(self) -> dict[str, float | None]:
        negatives = ("hard", "other")
        return {
            "keyword_acted": self.share(("keyword",), Handling.ACT),
            "optout_acted_or_review": self.share(("optout",), Handling.ACT, Handling.REVIEW),
            "optout_acted": self.share(("optout",), Handling.ACT),
            "negative_acted_max": self.share(negatives, Handling.ACT),
            "negative_review_max": self.share(negatives, Handling.REVIEW),
        }

    def band_table(self) -> dict[str, tuple[int, int, float | None, float | None]]:
        """band -> (opt-outs in it, non-opt-outs in it, precision, share of all opt-outs)."""
        positives = self.total("keyword", "optout")
        table = {}
        for band in BANDS:
            tp, fp = self.bands[(band.value, True)], self.bands[(band.value, False)]
            precision = tp / (tp + fp) if tp + fp else None
            table[band.value] = (tp, fp, precision, tp / positives if positives else None)
        return table


def figures(scored: Sequence[Scored]) -> tuple[Figures, dict[str, Figures]]:
    overall = Figures()
    per_language: dict[str, Figures] = defaultdict(Figures)
    for s in scored:
        overall.add(s)
        per_language[s.row.language].add(s)
    return overall, dict(per_language)


def meets_targets(rates: dict[str, float | None]) -> list[str]:
    """The targets ``rates`` misses (empty: all met)."""
    missed = []
    for name, target in TARGETS.items():
        value = rates[name]
        if value is None:
            continue
        ok = value <= target if name.endswith("_max") else value >= target
        if not ok:
            missed.append(f"{name} {value:.1%} (target {'<=' if name.endswith('_max') else '>='}"
                          f" {target:.0%})")  # fmt: skip
    return missed


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.1%}"


def report(scored: Sequence[Scored], title: str, errors: bool = False) -> str:
    overall, per_language = figures(scored)
    lines = [f"{title}: {len(scored)} replies", ""]
    head = (
        f"{'lang':5} {'n':>4} {'kw acted':>9} {'opt-out act|rev':>16} {'opt-out act':>12} "
        f"{'neg acted':>10} {'neg review':>11}"
    )
    lines.append(head)
    order = [lang for lang in SUPPORTED_LANGUAGES if lang in per_language]
    for name, fig in [*((lang, per_language[lang]) for lang in order), ("all", overall)]:
        r = fig.rates()
        n = sum(fig.counts.values())
        lines.append(
            f"{name:5} {n:4} {_pct(r['keyword_acted']):>9} {_pct(r['optout_acted_or_review']):>16} "
            f"{_pct(r['optout_acted']):>12} {_pct(r['negative_acted_max']):>10} "
            f"{_pct(r['negative_review_max']):>11}"
        )
    lines += ["", f"{'band':9} {'opt-outs':>9} {'not':>5} {'precision':>10} {'recall':>8}"]
    for band, (tp, fp, precision, recall) in overall.band_table().items():
        lines.append(f"{band:9} {tp:9} {fp:5} {_pct(precision):>10} {_pct(recall):>8}")
    lines += ["", "per language and band (opt-outs/not, precision):"]
    for lang in order:
        cells = [
            f"{band} {tp}/{fp} {_pct(p).strip()}"
            for band, (tp, fp, p, _) in per_language[lang].band_table().items()
        ]
        lines.append(f"  {lang}: " + "; ".join(cells))
    missed = meets_targets(overall.rates())
    lines += ["", "targets: " + ("all met" if not missed else "MISSED " + "; ".join(missed))]
    if errors:
        lines += ["", "wrong:"]
        for s in scored:
            if s.wrong:
                lines.append(
                    f"  {s.row.language} {s.row.label:7} {s.handling.value:6} "
                    f"{s.band or '-':8} {s.rule or '-':28} {s.row.text}"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--held-out", action="store_true", help="score the held-out replies")
    parser.add_argument(
        "--second-held-out", action="store_true", help="score the second held-out set"
    )
    parser.add_argument(
        "--third-held-out", action="store_true", help="score the third held-out set"
    )
    parser.add_argument(
        "--file",
        metavar="NAME",
        help="score one corpus file of tests/corpus by name (e.g. heldout4.tsv)",
    )
    parser.add_argument("--errors", action="store_true", help="list the replies it gets wrong")
    args = parser.parse_args(argv)
    if args.file:
        path = HERE / Path(args.file).name
        if not path.is_file():
            parser.error(f"no corpus file {path.name} in {HERE}")
        rows, title = load([path]), path.name
    elif args.third_held_out:
        rows, title = third_held_out_rows(), "third held-out set"
    elif args.second_held_out:
        rows, title = second_held_out_rows(), "second held-out set"
    elif args.held_out:
        rows, title = held_out_rows(), "held-out corpus (replies it has never seen)"
    else:
        rows, title = dev_rows(), "development corpus"
    print(report(classify(rows), title, errors=args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
