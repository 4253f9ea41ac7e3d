def error_text(error) -> str:
    """A service's refusal as one line (a ValidationError may carry several messages)."""
    return " ".join(getattr(error, "messages", [str(error)]))
