"""Middleware of the portal's own."""


class HealthCheckMiddleware:
    """Answers ``/health/`` before any other middleware reads the Host header. docker-compose and load
    balancers probe from inside by address (``http://127.0.0.1:8000/health/``), which ALLOWED_HOSTS rightly
    does not list: Django would answer 400 and the container would never be healthy. First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/health/":
            from portal.views import health  # the view imports models: not at settings time

            return health(request)
        return self.get_response(request)
