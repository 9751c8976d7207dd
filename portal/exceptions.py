class TransitionNotAllowed(Exception):
    """A workflow step asked of a record in a state that does not allow it (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
