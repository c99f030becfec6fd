"""Load Hugging Face models without library chatter on the user's terminal; name the torch device to train on.

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


def torch_device(name: str, setting: str = "device"):
    """The torch device for a ``device`` setting: ``cpu``, ``cuda``, ``cuda:1``, or ``auto`` (a GPU if there is one).

    Args:
        name: the setting's value.
        setting: the setting's name, for the error message.

    Raises:
        ValueError: a CUDA device is named but none is available.
    """
    import torch

    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{setting} is {name!r} but torch sees no CUDA device; use cpu or auto")
    return device
