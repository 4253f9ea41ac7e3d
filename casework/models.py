# Models arrive with the casework issue.
