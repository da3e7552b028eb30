"""Membership inference: does the model give away which rows it was trained on?

The loss-threshold attack (Yeom et al., 2018): a row is guessed to be a training row when
the model's loss on it is low. Measured on as many training rows as held-out (test) rows,
drawn at random, so that guessing gives an ROC-AUC of 0.5. Reported as the attack's ROC-AUC
and its true-positive rate at a 1 % false-positive rate (Carlini et al., 2022: an attack
that finds a few rows with certainty matters more than its average). Differential privacy
bounds any attack; this measures one, on the user's own data.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import roc_auc_score, roc_curve

# The false-positive rate at which the true-positive rate is reported.
LOW_FPR = 0.01


def per_row_losses(model, loss_fn, X: torch.Tensor, y: torch.Tensor, outputs) -> np.ndarray:
    """The model's loss on each row (``outputs``: the task's view of the model's output)."""
    from glassbox.training.losses import per_row

    model.eval()
    with torch.no_grad():
        return per_row(loss_fn)(outputs(model(X)), y).numpy()


def loss_threshold_attack(
    member_losses: np.ndarray, held_out_losses: np.ndarray, seed: int
) -> dict:
    """ROC-AUC and true-positive rate at ``LOW_FPR`` of guessing "member" for low losses,
    on equally many members and held-out rows (the larger set subsampled, seeded)."""
    rng = np.random.default_rng(seed)
    n = min(len(member_losses), len(held_out_losses))
    members = rng.choice(member_losses, n, replace=False)
    held_out = rng.choice(held_out_losses, n, replace=False)
    is_member = np.r_[np.ones(n), np.zeros(n)]
    score = -np.r_[members, held_out]  # lower loss: more likely a member
    false_positive, true_positive, _ = roc_curve(is_member, score)
    return {
        "auc": float(roc_auc_score(is_member, score)),
        "tpr_at_1pct_fpr": float(true_positive[false_positive <= LOW_FPR].max()),
        "rows_each": int(n),
    }
