"""City Brain incident detection: a pure detector, storage, CAP alerts, webhooks, evaluation."""
