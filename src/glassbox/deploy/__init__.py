"""Deployment: portable exports, the model card, batch inference and the HTTP service."""
