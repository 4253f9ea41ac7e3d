"""The audit log's admin is registered in accounts/admin.py, with the role scoping that
accounts defines (audit sits below accounts in the layers)."""
