"""The trainers' web process: inbox, labelling, dashboard and retraining (docs/trainer.md)."""
