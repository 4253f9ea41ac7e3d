"""Pages of the threshold engine: the inbox, the task list, an alert, the school overview."""
