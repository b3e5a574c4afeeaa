"""Notifiers: signed webhooks, chat robots and Alertmanager, behind one small interface."""
