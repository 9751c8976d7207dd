"""API error shapes (API.md): 400 `{"field": ["message"]}` or `{"detail": "message"}`, 409 for a state
transition not allowed now. Services raise Django's ValidationError; here it becomes a DRF 400."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.exceptions import TransitionNotAllowed


def validation_error_data(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        data = {}
        for field, errors in exc.message_dict.items():
            key = "non_field_errors" if field == NON_FIELD_ERRORS else field
            data[key] = list(errors)
        return data
    messages = list(exc.messages)
    if len(messages) == 1:
        return {"detail": messages[0]}
    return {"non_field_errors": messages}


def exception_handler(exc, context):
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_data(exc), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def not_found(request, exception):
    """Django's 404 (``handler404``) for a URL no route matches, e.g. ``/api/v1/accounts/1e5/``: under
    ``/api/`` it is JSON like every other API error, elsewhere the portal's page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": str(NotFound.default_detail)}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    return page_not_found(request, exception)
