"""Build the first-name list that completes person names in the spaCy stage.

The CNN often finds only part of a person's name, or none of it, where the
name is foreign or rare: ``sagt Vey-Sern Ling``, ``dass Alexander Virgo von der
Bank of America``, ``erklärte Nirgunan Tiruchelvam``. A list of given names lets
:mod:`pipeline.nlp.persons` complete such names (``Alexander`` + ``Virgo``).

Sources, merged:

* the given-name lists of the PyPI package ``Faker`` (MIT) for the Latin-script
  locales German news names people from (German, Austrian, Swiss, English,
  French, Italian, Spanish, Dutch, Polish, Turkish, Portuguese, Nordic, Czech,
  Hungarian, Indian); Faker is needed only to rebuild the list
  (``pip install -e '.[lexicons]'``), not to run finnews;
* the first words of multi-word person names in the ship-safe NER training data
  (:func:`pipeline.ner.dataset.training_examples`; the held-out sets are never
  read), kept when a word opens a name at least twice and three times as often
  as it ends one or stands alone (``Johann``, ``Wolfgang``; not ``Merkel``).

Then removed: places, currencies and commodities of the gazetteer overlay
(``Jordan``, ``Brent``) and words the training data use more often inside
places and organisations than as given names (``Sydney``, ``Georgia``); titles and ranks (``Graf``, ``Herr``, ``Papst``: they are not part of
the name in GermEval's convention), and every word that the training text uses
more often as a capitalised non-name in mid-sentence than as a given name
(``August``, ``Mark``, ``Roman``, ``Horst``): these are German nouns or
months, and a rule keyed on them would tag ``im August Umsätze``.

Command (``../shared/corpora`` present)::

    python -m pipeline.ner.first_names --out configs/first_names.txt
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional

log = logging.getLogger(__name__)

FAKER_LOCALES = ("de_DE", "de_AT", "de_CH", "en_US", "en_GB", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "tr_TR",
                 "pt_BR", "sv_SE", "da_DK", "cs_CZ", "hu_HU", "en_IN")
# Titles and ranks the corpora include in person spans ("Graf Lambsdorff", "Papst Benedikt").
TITLES = frozenset(
    "Graf Grafen Gräfin Baron Baronin Baronesse Lord Lady Sir Fürst Fürsten Fürstin Herr Herrn Frau Prinz Prinzen "
    "Prinzessin König Königin Königs Kaiser Kaiserin Herzog Herzogs Herzogin Erzherzog Erzherzogin Marquis Emir "
    "General Freiherr Freiherrn Don Doña Da De Di Du Le La Van Von Papst Kardinal Bischof Pater Dr Prof Sankt St "
    "Monsieur Madame Mister Miss Mrs Mr Ritter Scheich Sultan Zar Zarin Heilige Heiligen".split())
NAME_SHAPE = re.compile(r"^[A-ZÄÖÜÉÈÁÀÍÓÚÑÇŞİ][a-zäöüßéèáàíóúñçëïşğıâêîôû]+$")
# A capitalised word after a lower-case word or comma: mid-sentence, so capitalised for being a noun or a name.
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-zäöüß,] )([A-ZÄÖÜ][a-zäöüß]+)\b")
SHIP_SAFE_SOURCES = ("germeval", "smartdata", "ler", "europeana", "hipe")


def faker_first_names(locales: Iterable[str] = FAKER_LOCALES) -> set[str]:
    """Given names of Faker's person providers for ``locales`` (male, female and neutral lists)."""
    names: set[str] = set()
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            values = getattr(provider, attr, None) or ()
            names.update(values.keys() if isinstance(values, dict) else values)
    return {n for n in names if NAME_SHAPE.match(n)}


def corpus_counts(data_dir: Path) -> tuple[Counter, Counter, Counter, Counter]:
    """Count, over the ship-safe NER training data: words opening a multi-word person name, words
    ending one or standing alone, capitalised mid-sentence words outside every entity, and words
    inside places, organisations and other names."""
    from pipeline.ner.corpora import CorpusPaths
    from pipeline.ner.dataset import heldout_keys, training_examples

    paths = CorpusPaths(data_dir / "ner")
    opening, other, plain, non_person = Counter(), Counter(), Counter(), Counter()
    for example in training_examples(paths, heldout_keys(paths), sources=SHIP_SAFE_SOURCES):
        for start, end, label in example.spans:
            words = example.text[start:end].split()
            if label != "PER":
                non_person.update(words)
                continue
            if len(words) > 1:
                opening[words[0]] += 1
            other[words[-1]] += 1
        covered = [(s, e) for s, e, _ in example.spans]
        for match in _MID_SENTENCE_CAPITAL.finditer(example.text):
            if not any(s <= match.start() < e for s, e in covered):
                plain[match.group(1)] += 1
    return opening, other, plain, non_person


def overlay_names(overlay: Path = Path("configs/gazetteer_overlay.yaml")) -> set[str]:
    """Places, currencies and commodities of the gazetteer overlay (``Jordan``, ``Brent``): never given names here."""
    import yaml

    from pipeline.config import PROJECT_ROOT

    data = yaml.safe_load((PROJECT_ROOT / overlay).read_text(encoding="utf-8"))
    words: set[str] = set()
    for key in ("places", "countries", "currencies", "commodities", "commodity_benchmarks"):
        for value in data.get(key) or ():
            words.update(str(value).split())
    return words


def build_first_names(data_dir: Path, use_faker: bool = True) -> list[str]:
    """The sorted first-name list (see the module docstring for the rules)."""
    opening, other, plain, non_person = corpus_counts(data_dir)
    names = faker_first_names() if use_faker else set()
    names |= {w for w, n in opening.items() if n >= 2 and n >= 3 * other[w] and NAME_SHAPE.match(w)}
    not_names = TITLES | overlay_names()
    kept = {n for n in names if n not in not_names and plain[n] <= max(opening[n], 1) and non_person[n] <= opening[n]}
    log.info("first names: %d candidates, %d kept", len(names), len(kept))
    return sorted(kept)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="corpora folder (default: paths.data_dir of the config)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the list, one name per line")
    parser.add_argument("--no-faker", action="store_true", help="only the names of the training corpora")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    from pipeline.config import load_config

    data_dir = args.data_dir or load_config(None).data_dir
    if not (Path(data_dir) / "ner").exists():
        log.error("no NER corpora under %s (set FINNEWS_DATA_DIR or --data-dir)", data_dir)
        return 2
    if not args.no_faker and importlib.util.find_spec("faker") is None:
        log.error("Faker is not installed: pip install Faker (or --no-faker)")
        return 2
    names = build_first_names(Path(data_dir), use_faker=not args.no_faker)
    header = ("# Given names for completing person names (pipeline/nlp/persons.py).\n"
              "# Built by: python -m pipeline.ner.first_names --out configs/first_names.txt\n"
              "# Sources: Faker's person providers (MIT, https://github.com/joke2k/faker) and the\n"
              "# ship-safe NER training corpora (see pipeline/ner/first_names.py).\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    log.info("wrote %d names to %s", len(names), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
