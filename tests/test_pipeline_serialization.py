"""A spaCy pipeline with the finnews components saves to disk and loads in a fresh process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.config import load_config
from pipeline.nlp import build_nlp

TEXT = "Nvidia fiel um 7 %, während Infineon um 2 % zulegte. „Das ist übertrieben“, sagte ein Händler."


def test_saved_pipeline_loads_without_importing_finnews(tmp_path: Path) -> None:
    cfg = load_config()
    nlp = build_nlp(cfg.model_copy(update={"nlp": cfg.nlp.model_copy(update={"model": "blank:de"})}))
    nlp.to_disk(tmp_path / "pipe")
    expected = nlp(TEXT)
    # The entry points in pyproject.toml let spaCy find the factories by name.
    code = (
        "import spacy, sys; nlp = spacy.load(sys.argv[1]); doc = nlp(sys.argv[2]);"
        "print('|'.join(nlp.pipe_names)); print('|'.join(e.text for e in doc.ents));"
        "print(len(doc.spans['figures']), len(doc.spans['quotes']), len(doc.spans['claims']))"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "pipe"), TEXT], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names, ents, counts = proc.stdout.strip().split("\n")
    assert names.split("|") == nlp.pipe_names
    assert ents.split("|") == [e.text for e in expected.ents]
    assert counts == f"{len(expected.spans['figures'])} {len(expected.spans['quotes'])} {len(expected.spans['claims'])}"
