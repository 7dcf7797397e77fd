"""Errors the service layer raises; the API turns each into its HTTP status and JSON body."""


class ServiceError(Exception):
    status = 500
    code = "error"

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields


class BadRequest(ServiceError):
    status, code = 400, "bad_request"


class Unauthenticated(ServiceError):
    """No token, or one that is expired, badly signed, for another audience or from an unknown issuer."""
    status, code = 401, "unauthenticated"


class Forbidden(ServiceError):
    """The actor is known but no role of theirs permits this."""
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class TooLarge(ServiceError):
    """A request, or the process data it would leave behind, exceeds a limit; nothing changed."""
    status, code = 413, "payload_too_large"


class Invalid(ServiceError):
    status, code = 422, "invalid"


class ProcessFailed(ServiceError):
    """A step a client asked for failed inside the process (a script, expression or decision) with the
    data it brought; the step is refused and rolled back, the instance stays as it was."""
    status, code = 422, "process_failed"
