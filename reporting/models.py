# Models arrive with the reporting issue.
