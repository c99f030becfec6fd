"""The classifier architecture: the e5 encoder with a target-pooling head.

e5 was trained with *mean* pooling, so its ``<s>`` vector carries little until
it is retrained; a BERT pooler on ``<s>`` starts from nothing (on GerNTSA it
predicted only "neutral" after a first epoch). This head instead pools what e5
already encodes well and what the task is about:

* the attention-masked mean over all tokens (the sentence), and
* the mean over the target's tokens: between the ``<<`` ``>>`` marks, or the
  second segment when the target is given as a pair,

concatenated, then ``dense → tanh → out_proj`` as in RoBERTa's head. The model
keeps the ``transformers`` interface (``from_pretrained``, ``forward(input_ids,
attention_mask, labels)`` returning ``SequenceClassifierOutput``), so LoRA
adapters from ``peft`` attach to it like to any sequence classifier.
"""

from __future__ import annotations

from typing import Optional

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertPreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

ARCHITECTURE = "e5-target-pooling"


class TargetPoolingHead(nn.Module):
    """``[mean(sentence); mean(target)] → dropout → dense → tanh → dropout → out_proj``."""

    def __init__(self, hidden: int, num_labels: int, dropout: float):
        super().__init__()
        self.dense = nn.Linear(2 * hidden, hidden)
        self.dropout = nn.Dropout(dropout)
        self.out_proj = nn.Linear(hidden, num_labels)

    def forward(self, hidden: torch.Tensor, attention_mask: torch.Tensor, target_mask: torch.Tensor) -> torch.Tensor:
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        sentence = (hidden * m).sum(1) / m.sum(1).clamp(min=1)
        t = target_mask.unsqueeze(-1).to(hidden.dtype)
        target = (hidden * t).sum(1) / t.sum(1).clamp(min=1)
        target = torch.where(t.sum(1) > 0, target, sentence)  # no target: the sentence stands in
        x = self.dropout(torch.cat([sentence, target], dim=-1))
        x = self.dropout(torch.tanh(self.dense(x)))
        return self.out_proj(x)


def target_mask(input_ids: torch.Tensor, attention_mask: torch.Tensor, open_id: int, close_id: int,
                eos_id: int) -> torch.Tensor:
    """1 for the target's tokens: inside ``<< >>`` when a row has marks, else its second segment.

    ``<s> ▁<< ▁Nvidia ▁>> ▁fiel </s>`` → only ``▁Nvidia``;
    ``<s> ▁Nvidia ▁fiel </s></s> ▁Nvidia </s>`` → the second ``▁Nvidia``.
    """
    is_open, is_close, is_eos = input_ids == open_id, input_ids == close_id, input_ids == eos_id
    depth = torch.cumsum(is_open.long(), 1) - torch.cumsum(is_close.long(), 1)
    marked = (depth > 0) & ~is_open
    second = (torch.cumsum(is_eos.long(), 1) >= 2) & ~is_eos
    has_marks = is_open.any(1, keepdim=True)
    return torch.where(has_marks, marked, second) & attention_mask.bool()


class E5TargetClassifier(BertPreTrainedModel):
    """BERT encoder (no pooler) + :class:`TargetPoolingHead`; ``config.target_ids`` = (open, close)."""

    config_class = BertConfig

    def __init__(self, config: BertConfig):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        dropout = config.classifier_dropout if config.classifier_dropout is not None else config.hidden_dropout_prob
        self.classifier = TargetPoolingHead(config.hidden_size, config.num_labels, dropout)
        self.post_init()

    def target_mask(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        open_id, close_id = self.config.target_ids
        return target_mask(input_ids, attention_mask, open_id, close_id, self.config.eos_token_id)

    def forward(
        self,
        input_ids: Optional[torch.Tensor] = None,
        attention_mask: Optional[torch.Tensor] = None,
        labels: Optional[torch.Tensor] = None,
        **kwargs,
    ) -> SequenceClassifierOutput:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        logits = self.classifier(hidden, attention_mask, self.target_mask(input_ids, attention_mask))
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)
