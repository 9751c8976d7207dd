"""API error shapes (API.md): 400 `{"field": ["message"]}` or `{"detail": "message"}`, 409 for a state
transition not allowed now. Services raise Django's ValidationError; here it becomes a DRF 400."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
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
