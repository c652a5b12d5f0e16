"""Synchronisation with the central platform: signed requests, batched uploads,
resumable attachments and incremental pulls, driven by the persisted outbox."""
