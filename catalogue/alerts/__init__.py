"""Alerts after a sync, through Apprise (e-mail, Matrix, Slack, Teams, webhooks…).

* config.py: the alerts file (`--notify FILE`), read strictly;
* matching.py: which changes of a run an alert is about;
* messages.py: the French messages (title and plain-text body);
* failures.py: when the syncs have failed long enough to tell the operator;
* deliver.py: sending one message to one target (Apprise), retried once;
* dispatch.py: what a finished sync sends (`send_alerts`).
"""
