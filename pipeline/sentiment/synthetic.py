"""Rule-generated finance sentences: the ways market news says good or bad things about a company.

GerNTSA is general news (politics, sport, culture); it barely shows how market
reports speak of companies: price moves with signed figures, guidance, ratings,
job cuts, and sentences that are good news for one company and bad for
another. These frames write such sentences with real company names (index
constituents from the PyPI package ``pytickersymbols``, MIT) and label them by
construction, e.g.

* ``Die Aktie von Beiersdorf fiel um 4,2 Prozent.`` → Beiersdorf negative;
* ``Gefragt waren Zalando mit einem Plus von 3,1 %.`` → Zalando positive;
* ``Hannover Rück legte um 2,5 % zu, während Symrise 1,8 % verlor.`` →
  positive for Hannover Rück, negative for Symrise;
* ``Analysten von Barclays stuften Puma ab.`` → Puma negative, Barclays neutral;
* (:func:`finance_role_examples`) companies in a neutral role next to the one
  the sentence is about (a speaker's employer, an adviser, a rival merely
  named) and challengers whose success hurts incumbents.

No hand labels and no corpus text are involved; the frames are generic
phrasings of the phenomenon, written for this module.
"""

from __future__ import annotations

import random
import re
from typing import Optional

from pipeline.sentiment.data import Example

# {X}, {Y}: companies; {p}, {q}: a German decimal; {n}: a count.
NEGATIVE = [
    "Die Aktie von {X} fiel um {p} Prozent.",
    "{X} verloren {p} Prozent.",
    "Papiere von {X} gaben um {p} % nach.",
    "{X}-Aktien rutschten um {p} Prozent ab.",
    "Die Titel von {X} büßten {p} % ein.",
    "{X} (-{p} %) gehörten zu den größten Verlierern im Index.",
    "Bei {X} ging es um {p} Prozent abwärts.",
    "Schwach zeigten sich {X} mit einem Minus von {p} %.",
    "{X} sackten nach den Zahlen um {p} % ab.",
    "{X} brachen um {p} Prozent ein.",
    "Anleger trennten sich von {X}, die Aktie verbilligte sich um {p} %.",
    "{X} senkte die Prognose für das laufende Geschäftsjahr.",
    "{X} kündigte den Abbau von {n} Stellen an.",
    "{X} verfehlte die Erwartungen der Analysten deutlich.",
    "{X} rutschte im dritten Quartal in die roten Zahlen.",
    "Der Umsatz von {X} schrumpfte um {p} Prozent.",
    "{X} meldete einen Gewinneinbruch von {p} %.",
    "{X} musste eine Gewinnwarnung veröffentlichen.",
    "Die Ratingagentur senkte die Bonitätsnote von {X}.",
    "{X} geriet nach einer Kurszielsenkung unter Druck.",
    "Für {X} ging es nach der Abstufung um {p} % nach unten.",
    "{X} stellte einen Insolvenzantrag.",
    "Die Margen von {X} stehen unter Druck.",
    "Investoren zweifeln am Geschäftsmodell von {X}.",
    "{X} leidet unter der schwachen Nachfrage.",
]
POSITIVE = [
    "Die Aktie von {X} stieg um {p} Prozent.",
    "{X} legten um {p} % zu.",
    "Papiere von {X} gewannen {p} Prozent.",
    "{X}-Aktien kletterten um {p} % auf ein Rekordhoch.",
    "{X} (+{p} %) führten die Gewinnerliste an.",
    "Gefragt waren {X} mit einem Plus von {p} %.",
    "Bei {X} ging es um {p} Prozent aufwärts.",
    "{X} zogen nach den Zahlen um {p} % an.",
    "{X} sprangen um {p} Prozent nach oben.",
    "{X} verteuerten sich um {p} %.",
    "{X} hob die Prognose für das Gesamtjahr an.",
    "{X} übertraf die Erwartungen der Analysten deutlich.",
    "{X} erzielte einen Rekordgewinn.",
    "Der Umsatz von {X} wuchs um {p} Prozent.",
    "Der Gewinn von {X} stieg um {p} %.",
    "Analysten empfehlen die Aktie von {X} zum Kauf.",
    "{X} erhielt einen Großauftrag über {n} Millionen Euro.",
    "{X} profitiert von der starken Nachfrage.",
    "{X} erhöht die Dividende.",
    "Die Ratingagentur hob die Bonitätsnote von {X} an.",
    "Nach der Hochstufung legten {X} um {p} % zu.",
    "{X} meldete ein kräftiges Umsatzplus.",
    "Anleger griffen bei {X} zu, die Aktie gewann {p} %.",
    "{X} kehrte in die Gewinnzone zurück.",
]
NEUTRAL = [
    "{X} legt am Donnerstag Quartalszahlen vor.",
    "{X} hat seinen Sitz in {city}.",
    "Der Aufsichtsrat von {X} tagt im März.",
    "{X} beschäftigt weltweit rund {n} Mitarbeiter.",
    "Die Aktie von {X} notierte unverändert.",
    "{X} schlossen kaum verändert.",
    "Die Hauptversammlung von {X} findet im Mai statt.",
    "Ein Sprecher von {X} wollte sich nicht äußern.",
    "{X} äußerte sich zunächst nicht zu dem Bericht.",
    "{X} gehört zu den Mitgliedern des Index.",
    "Die Zahlen von {X} werden am Dienstag erwartet.",
    "{X} ist in {n} Ländern vertreten.",
    "Analysten von {X} rechnen mit stabilen Zinsen.",
    "Das teilte {X} am Montag mit.",
    "{X} bestätigte den Termin für die Bilanzvorlage.",
    "Der Vorstand von {X} besteht aus fünf Mitgliedern.",
]
# Two companies, one sentence: (frame, label of X, label of Y).
PAIRS = [
    ("{X} legten um {p} % zu, während {Y} {q} % verloren.", "positive", "negative"),
    ("{X} fielen um {p} %, {Y} dagegen stiegen um {q} %.", "negative", "positive"),
    ("Während {X} um {p} % zulegten, gaben {Y} um {q} % nach.", "positive", "negative"),
    ("Gewinner waren {X} mit einem Plus von {p} %, Verlierer {Y} mit einem Minus von {q} %.", "positive", "negative"),
    ("{X} profitiert vom Abschwung bei {Y}.", "positive", "negative"),
    ("{X} jagt {Y} Marktanteile ab.", "positive", "negative"),
    ("Analysten von {Y} stuften {X} auf Verkaufen ab.", "negative", "neutral"),
    ("Analysten von {Y} stuften {X} auf Kaufen hoch.", "positive", "neutral"),
    ("Laut {Y} dürfte {X} die Prognose verfehlen.", "negative", "neutral"),
    ("{Y} hob das Kursziel für {X} an.", "positive", "neutral"),
    ("{Y} senkte das Kursziel für {X} deutlich.", "negative", "neutral"),
    ("{X} sackten um {p} % ab, {Y} notierten unverändert.", "negative", "neutral"),
    ("{X} gewannen {p} %, {Y} traten auf der Stelle.", "positive", "neutral"),
]
# Companies in a role that says nothing good or bad about them, next to a company
# the sentence is about: the analyst house or bank a speaker works for, an
# adviser, a shareholder, a rival merely named (source ``finance_roles``).
# {H}: an analyst house or bank (or a company), {name}: an invented person.
ROLE_PAIRS = [
    ("»Das Quartal von {X} war schwach«, sagte {name} von {H}.", "negative", "neutral"),
    ("»{X} hat geliefert«, urteilte {name}, Analyst bei {H}.", "positive", "neutral"),
    ("{H}-Analyst {name} strich die Kaufempfehlung für {X}.", "negative", "neutral"),
    ("{H}-Analystin {name} traut {X} nach den Zahlen weitere Kursgewinne zu.", "positive", "neutral"),
    ("Die Experten von {H} stufen {X} weiter mit »Verkaufen« ein.", "negative", "neutral"),
    ("{H} bestätigte das Votum »Kaufen« für {X} und nannte das Quartal stark.", "positive", "neutral"),
    ("Nach Einschätzung von {H} verliert {X} weiter Marktanteile.", "negative", "neutral"),
    ("Für {X} sieht {name} von {H} nach dem Auftrag Luft nach oben.", "positive", "neutral"),
    ("{X} wurde bei dem Verkauf von {H} beraten.", "neutral", "neutral"),
    ("Die Anteile von {X} an {Y} bleiben unverändert bei {p} %.", "neutral", "neutral"),
    ("{Y}, das ebenfalls geboten hatte, äußerte sich nicht.", None, "neutral"),
    ("Die Aktie von {X} brach ein; {Y} veröffentlicht seine Zahlen erst im nächsten Monat.", "negative", "neutral"),
    ("{X} hob die Prognose an, der Konkurrent {Y} berichtet am Donnerstag.", "positive", "neutral"),
    ("Während {X} um {p} % abrutschte, blieb {Y} nahezu unverändert.", "negative", "neutral"),
    ("{X} kletterten um {p} %; {Y} hielt sich knapp behauptet.", "positive", "neutral"),
    ("Die Gewinnwarnung von {X} zog auch den Zulieferer {Y} um {q} % nach unten.", "negative", "negative"),
    ("Der Großauftrag für {X} ließ auch {Y} als Partner um {q} % steigen.", "positive", "positive"),
]
# A challenger whose success is bad news for incumbents: good for X, bad for Y.
CHALLENGER_PAIRS = [
    ("Das günstigere Angebot von {X} setzt {Y} unter Druck.", "positive", "negative"),
    ("Mit seinem neuen Produkt fordert {X} den Marktführer {Y} heraus, dessen Aktie um {p} % fiel.", "positive", "negative"),
    ("Der Erfolg von {X} weckt bei Anlegern Zweifel am Geschäftsmodell von {Y}.", "positive", "negative"),
    ("{X} wirbt Kunden von {Y} ab.", "positive", "negative"),
    ("Die leistungsstarke neue Technik von {X} stellt die hohen Investitionen von {Y} in Frage.", "positive", "negative"),
    ("{X} überholt {Y} bei den Verkaufszahlen.", "positive", "negative"),
]
ANALYST_HOUSES = [
    "Jefferies", "Berenberg", "Goldman Sachs", "JPMorgan", "Morgan Stanley", "UBS", "Barclays", "Citigroup",
    "Bernstein", "Baader Bank", "DZ Bank", "Kepler Cheuvreux", "Deutsche Bank", "HSBC", "Warburg Research",
    "Metzler", "Oddo BHF", "Bank of America", "RBC", "LBBW", "Helaba", "Hauck Aufhäuser Lampe", "Mainfirst",
    "Bryan Garnier", "Independent Research", "Stifel", "Evercore", "Redburn", "Societe Generale", "BNP Paribas",
]
FIRST_NAMES = ["Anna", "Jonas", "Petra", "Martin", "Sabine", "Felix", "Claudia", "Stefan", "Miriam", "Thomas",
               "Laura", "Andreas", "Julia", "Markus", "Katrin", "Daniel"]
LAST_NAMES = ["Berger", "Kowalski", "Hartmann", "Lindqvist", "Brenner", "Seidel", "Okafor", "Vogt", "Albrecht",
              "Moreau", "Krüger", "Santos", "Winter", "Haas", "Brandt", "Yilmaz"]
CITIES = ["München", "Frankfurt", "Hamburg", "Berlin", "Stuttgart", "Düsseldorf", "Paris", "Zürich", "Tokio", "New York"]
_LEGAL = re.compile(r"\s+(AG|SE|Inc\.?|Corp\.?|Corporation|plc|PLC|N\.V\.|S\.A\.|SA|KGaA|& Co\.?|Co\.?|Ltd\.?|Holding|Group)\b.*$")


def company_names() -> list[str]:
    """Short names of DAX, MDAX, TecDAX, Euro Stoxx 50, Nasdaq 100 and Nikkei constituents."""
    from pytickersymbols import PyTickerSymbols

    tickers = PyTickerSymbols()
    names: set[str] = set()
    for index in ("DAX", "MDAX", "SDAX", "TecDAX", "EURO STOXX 50", "NASDAQ 100", "NIKKEI 225"):
        for stock in tickers.get_stocks_by_index(index):
            name = _LEGAL.sub("", stock["name"]).strip()
            if 2 <= len(name) <= 30:
                names.add(name)
    return sorted(names)


def _number(rng: random.Random) -> str:
    return f"{rng.uniform(0.3, 12):.1f}".replace(".", ",")


def _fill(frame: str, rng: random.Random, names: dict[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """Fill a frame; return the text and the span of each company slot."""
    values = {"p": _number(rng), "q": _number(rng), "n": str(rng.choice([120, 450, 800, 1500, 3000, 7000])),
              "city": rng.choice(CITIES), "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", **names}
    text, spans, pos = "", {}, 0
    for m in re.finditer(r"\{(\w+)\}", frame):
        text += frame[pos : m.start()]
        value = values[m.group(1)]
        if m.group(1) in ("X", "Y", "H"):
            spans[m.group(1)] = (len(text), len(text) + len(value))
        text += value
        pos = m.end()
    return text + frame[pos:], spans


def finance_rule_examples(n: int = 1000, seed: int = 13, names: Optional[list[str]] = None) -> list[Example]:
    """``n`` labelled target examples from the frames (a third each negative/positive/neutral-ish).

    Args:
        n: how many examples.
        seed: sampling seed.
        names: company names (default :func:`company_names`).

    Returns:
        Examples with ``source="finance_rules"``.
    """
    rng = random.Random(seed)
    names = names or company_names()
    out: list[Example] = []
    single = [(f, "negative") for f in NEGATIVE] + [(f, "positive") for f in POSITIVE] + [(f, "neutral") for f in NEUTRAL]
    while len(out) < n:
        x, y = rng.sample(names, 2)
        if rng.random() < 0.3:
            frame, lx, ly = rng.choice(PAIRS)
            text, spans = _fill(frame, rng, {"X": x, "Y": y})
            for slot, label in (("X", lx), ("Y", ly)):
                out.append(Example(text, *spans[slot], label, "finance_rules", group=text))
        else:
            frame, label = rng.choice(single)
            text, spans = _fill(frame, rng, {"X": x})
            out.append(Example(text, *spans["X"], label, "finance_rules", group=text))
    return out[:n]


def finance_role_examples(n: int = 600, seed: int = 17, names: Optional[list[str]] = None) -> list[Example]:
    """``n`` examples from :data:`ROLE_PAIRS` and :data:`CHALLENGER_PAIRS` (one per company slot).

    ``»Das Quartal von Puma war schwach«, sagte Anna Vogt von Berenberg.`` →
    Puma negative, Berenberg neutral; ``{H}`` is an analyst house from
    :data:`ANALYST_HOUSES` half of the time, else a listed company.

    Returns:
        Examples with ``source="finance_roles"``.
    """
    rng = random.Random(seed)
    names = names or company_names()
    frames = ROLE_PAIRS + CHALLENGER_PAIRS
    out: list[Example] = []
    while len(out) < n:
        x, y, other = rng.sample(names, 3)
        house = rng.choice(ANALYST_HOUSES) if rng.random() < 0.5 else other
        frame, lx, ly = rng.choice(frames)
        text, spans = _fill(frame, rng, {"X": x, "Y": y, "H": house})
        slot_y = "H" if "{H}" in frame else "Y"
        for slot, label in (("X", lx), (slot_y, ly)):
            if label and slot in spans:
                out.append(Example(text, *spans[slot], label, "finance_roles", group=text))
    return out[:n]
