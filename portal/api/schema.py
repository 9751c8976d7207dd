"""The OpenAPI schema documents the error answers every endpoint gives (API.md "Errors"), not only its
success: 400 with ``{"field": [...]}`` or ``{"detail"}``, 401 without (valid) credentials, 403 for a role the
action is not for, 404 for a record outside the caller's scope (also an unknown page of a list, or a
reference in the body the caller may not see), 409 for a state transition not allowed now, 429 for a login
locked out, 415 for a body in a media type the endpoint does not parse. Which of them an operation can give follows from what it is, once, here; public reads also
declare that they need no credentials."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions

DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A field's messages, a nested object's errors by field, or a list of them for a list of objects.
VALIDATION_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]},
}
ERRORS = {
    "400": ("ValidationError", VALIDATION_SCHEMA, "请求数据有误：按字段列出的错误信息，或 detail。"),
    "401": ("ErrorDetail", DETAIL_SCHEMA, "未登录或令牌无效。"),
    "403": ("ErrorDetail", DETAIL_SCHEMA, "当前角色无权执行此操作。"),
    "404": ("ErrorDetail", DETAIL_SCHEMA, "记录不存在或不在您的权限范围内（列表：页码无效）。"),
    "409": ("ErrorDetail", DETAIL_SCHEMA, "当前状态不允许此操作。"),
    "415": ("ErrorDetail", DETAIL_SCHEMA, "请求体的 Content-Type 不受支持或无法解析。"),
    "429": ("ErrorDetail", DETAIL_SCHEMA, "登录失败次数过多，已暂时锁定。"),
}


class PortalAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        public = self._is_public()
        if public and {} not in operation.get("security", [{}]):
            operation["security"].append({})
        for code in self._error_codes(operation, public):
            operation["responses"].setdefault(code, self._error_response(code))
        return operation

    def _roles(self):
        roles_for = getattr(self.view, "roles_for", None)
        return None if roles_for is None else roles_for(self.view.request)

    def _is_public(self) -> bool:
        """A read anyone may do, signed in or not."""
        from .base import PUBLIC  # base builds on this module

        roles = self._roles()
        if roles is None:
            return any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        return PUBLIC in roles and self.method == "GET"

    def _error_codes(self, operation, public: bool) -> list[str]:
        parameters = operation.get("parameters", [])
        in_path = {p["name"] for p in parameters if p["in"] == "path"}
        in_query = {p["name"] for p in parameters if p["in"] == "query"}
        writes = self.method in ("POST", "PUT", "PATCH")
        if not self.view.get_authenticators():
            # The token endpoint: bad credentials are 400, and django-axes locks a login out.
            return ["400", "429"]
        codes = []
        if writes or in_query:
            codes.append("400")  # a body or a filter that does not validate
        codes.append("401")  # also a public read sent with an invalid token
        if not public:
            codes.append("403")
        if in_path or writes or "page" in in_query or "format" in in_query:
            codes.append("404")
        if writes and "id" in in_path:
            codes.append("409")
        if writes:
            codes.append("415")
        return codes

    def _error_response(self, code: str) -> dict:
        name, schema, description = ERRORS[code]
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return {"description": description, "content": {"application/json": {"schema": component.ref}}}
