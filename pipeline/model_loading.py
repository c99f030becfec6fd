"""Load Hugging Face models without library chatter on the user's terminal.

``finnews run`` shows its own progress bar; transformers adds a per-weight "Loading weights"
bar for every model it loads, and peft 0.x reads a property that transformers 5 deprecated
(a ``FutureWarning`` about ``is_gradient_checkpointing``). Neither says anything about the
user's input, so loading happens inside :func:`quiet_loading`.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def quiet_loading() -> Iterator[None]:
    """Within the block: no transformers progress bars and no peft/transformers deprecation notice.

    The progress-bar switch is transformers' own global; it is put back as it was.
    """
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*is_gradient_checkpointing.*", category=FutureWarning)
            yield
    finally:
        if bars:
            hf_logging.enable_progress_bar()
