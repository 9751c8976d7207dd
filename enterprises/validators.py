from django.core.exceptions import ValidationError
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError


def validate_uscc(value: str) -> str:
    """Check a 统一社会信用代码 with python-stdnum and return it in its compact form."""
    try:
        return uscc.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            f"统一社会信用代码“{value}”无效：应为 18 位代码且校验位正确。", code="invalid_uscc"
        ) from exc
