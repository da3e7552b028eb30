"""Training: architectures, optimizers and schedules, losses, the training loop (one run, or
many stacked), checkpoints, data-parallel training and the model file format."""
