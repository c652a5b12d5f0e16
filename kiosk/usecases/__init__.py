"""Use cases: what a resident, a staff member or a technician can do, as plain functions."""
