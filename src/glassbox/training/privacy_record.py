"""The privacy record a training run keeps (``training_privacy``: glassbox.training.privacy's
plan and spent ε), as DVC's metrics list it and as the reports and model card say it.
Torch-free: the readers of a record need not import PyTorch."""

from __future__ import annotations


def privacy_metrics(privacy: dict | None) -> dict:
    """The privacy guarantee as DVC's metrics list it: ``private`` and, for a private model,
    the spent ε, δ, noise multiplier and clipping norm."""
    if not privacy or not privacy.get("enabled"):
        return {"private": False}
    return {
        "private": True,
        "privacy_epsilon": privacy["epsilon"],
        "privacy_delta": privacy["delta"],
        "noise_multiplier": privacy["noise_multiplier"],
        "max_grad_norm": privacy["max_grad_norm"],
    }


def privacy_sentence(privacy: dict | None) -> str:
    """One sentence for reports and the model card."""
    if not privacy or not privacy.get("enabled"):
        return "Trained without differential privacy: no bound on what it reveals of a row."
    if privacy["epsilon"] is None:
        return (
            "Trained with each row's gradient clipped to "
            f"{privacy['max_grad_norm']:g} but no noise: no privacy guarantee (ε = ∞)."
        )
    return (
        f"Trained with differential privacy (DP-SGD): ε = {privacy['epsilon']:.2f} spent of "
        f"{privacy['target_epsilon']:g} at δ = {privacy['delta']:.3g}; each row's gradient "
        f"clipped to {privacy['max_grad_norm']:g}, noise multiplier "
        f"{privacy['noise_multiplier']:.3f}, {privacy['steps']:,} steps at sample rate "
        f"{privacy['sample_rate']:.4f} ({privacy['accountant']} accountant)."
    )
