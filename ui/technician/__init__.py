"""Technician screens (技术人员): maintenance unlock, diagnostics, provisioning wizard, lockdown."""
