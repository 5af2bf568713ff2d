"""SCIM 2.0 ``/scim/v2/Users`` for identity providers (``scim:provision``).

SCIM clients expect SCIM's own error body (``urn:...:Error`` with ``status``,
``detail`` and for 400s a ``scimType``) as ``application/scim+json``, so the routes
here use a route class that maps CallVault's errors to it; everywhere else the
mapping to problem+json in ``web/problems.py`` stays the only one."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema

from callvault.authz.permissions import Permission
from callvault.errors import CallVaultError, Conflict, InvalidInput
from callvault.identity.models import User
from callvault.identity.scim.service import (
    ERROR_SCHEMA,
    LIST_SCHEMA,
    MAX_PAGE,
    PATCH_SCHEMA,
    USER_SCHEMA,
    NewUser,
    ScimInvalid,
    ScimService,
    parse_patch,
    parse_username_filter,
)
from callvault.identity.users import EMAIL_PATTERN
from callvault.inputs import PRINTABLE, InputModel
from callvault.web.bodies import body_bytes
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, ErrorFormat, json_request
from callvault.web.pools import PooledRoute

SCIM_JSON = "application/scim+json"
M = TypeVar("M", bound=BaseModel)
# The one filter supported, as the service parses it (case-insensitively): documented here
# and left to the service to refuse, so that the SCIM error says "invalidFilter".
USERNAME_EQ_PATTERN = (
    r'^ *[uU][sS][eE][rR][nN][aA][mM][eE] +[eE][qQ] +"([^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*" *$'
)


class ScimResponse(JSONResponse):
    media_type = SCIM_JSON


class ScimError(BaseModel):
    """SCIM's error body (RFC 7644 section 3.12); ``scimType`` only on a 400."""

    schemas: list[str]
    status: str
    detail: str
    scim_type: Annotated[str | SkipJsonSchema[None], Field(alias="scimType")] = None


# SCIM has no 422 (every bad request is a 400) and reads any body as JSON.
SCIM_ERRORS = ErrorFormat(SCIM_JSON, ScimError, invalid_status=400, checks_media_type=False)


def scim_error(status: int, detail: str, scim_type: str | None = None) -> ScimResponse:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type is not None:
        body["scimType"] = scim_type
    response = ScimResponse(body, status_code=status)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _error_response(exc: CallVaultError) -> ScimResponse:
    if isinstance(exc, ScimInvalid):
        return scim_error(400, exc.detail, exc.scim_type)
    if isinstance(exc, InvalidInput):  # SCIM has no 422: every bad request is a 400
        return scim_error(400, exc.detail, "invalidValue")
    if isinstance(exc, Conflict):
        return scim_error(409, exc.detail, "uniqueness")
    return scim_error(exc.status, exc.detail)


class ScimRoute(PooledRoute):
    """Errors raised while authenticating, validating or handling become SCIM errors."""

    error_format = SCIM_ERRORS  # what the OpenAPI description says they look like

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def scim_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except CallVaultError as exc:
                return _error_response(exc)
            except RequestValidationError:
                return scim_error(400, "the request parameters are not valid", "invalidValue")

        return scim_handler


router = APIRouter(prefix="/scim/v2", tags=["scim"], route_class=ScimRoute)

UserId = Annotated[str, Path(min_length=1, max_length=64, pattern=PRINTABLE)]
Provisioner = Annotated[RequestContext, Depends(require(Permission.SCIM_PROVISION))]


class _Lenient(InputModel):
    # Identity providers send more than we keep (name, emails, displayName, ...):
    # unknown attributes are ignored rather than refused, and never echoed.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class RoleRef(_Lenient):
    value: Annotated[str, Field(min_length=1, max_length=64)]


class ScimName(_Lenient):
    family_name: Annotated[str | None, Field(alias="familyName", max_length=100)] = None


def _naming(schema: str) -> dict[str, Any]:
    return {"contains": {"const": schema}}


class ScimUserIn(_Lenient):
    schemas: Annotated[list[str], Field(max_length=10, json_schema_extra=_naming(USER_SCHEMA))]
    name: ScimName | None = None
    user_name: Annotated[
        str,
        Field(
            alias="userName",
            min_length=3,
            max_length=254,
            json_schema_extra={"pattern": EMAIL_PATTERN},  # the service says which is wrong
        ),
    ]
    active: bool = True
    external_id: Annotated[str | None, Field(alias="externalId", max_length=200)] = None
    roles: Annotated[list[RoleRef], Field(max_length=20)] = Field(default=[])


class PatchOperation(_Lenient):
    # "add" or "replace", in any case (documented only: the service says which is wrong)
    op: Annotated[
        str,
        Field(
            max_length=16,
            json_schema_extra={"pattern": "^([aA][dD][dD]|[rR][eE][pP][lL][aA][cC][eE])$"},
        ),
    ]
    path: Annotated[str | None, Field(max_length=100)] = None
    value: Any = None


class PatchIn(_Lenient):
    schemas: Annotated[list[str], Field(max_length=10, json_schema_extra=_naming(PATCH_SCHEMA))]
    operations: Annotated[list[PatchOperation], Field(alias="Operations", min_length=1)]


MAX_SCIM_BODY = 64 * 1024
ScimBody = Annotated[bytes, Depends(body_bytes(MAX_SCIM_BODY))]
# The database's OFFSET must hold it (a larger one was a 500): far past any real directory.
MAX_START_INDEX = 2**31 - 1


def _parse(model: type[M], raw: bytes, schema: str) -> M:
    try:
        parsed = model.model_validate_json(raw)
    except ValidationError as exc:
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        if malformed:
            raise ScimInvalid("the body is not valid JSON", "invalidSyntax") from None
        raise ScimInvalid("the body does not match the SCIM schema") from None
    if schema not in getattr(parsed, "schemas", []):
        raise ScimInvalid(f"schemas must include {schema}", "invalidSyntax")
    return parsed


def _resource(service: ScimService, user: User, request: Request) -> dict[str, Any]:
    return {
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "externalId": user.external_id,
        "userName": user.email,
        "active": user.active,
        "roles": [{"value": role} for role in service.roles(user)],
        "meta": {
            "resourceType": "User",
            "created": user.created_at.isoformat(),
            "location": str(request.url_for("get_scim_user", user_id=user.id)),
        },
    }


def _service(ctx: RequestContext) -> ScimService:
    return ScimService(ctx)


@router.post(
    "/Users",
    status_code=201,
    response_class=ScimResponse,
    responses=CONFLICT,
    openapi_extra=json_request(ScimUserIn, SCIM_JSON, "application/json"),
)
def create_scim_user(request: Request, ctx: Provisioner, raw: ScimBody) -> ScimResponse:
    body = _parse(ScimUserIn, raw, USER_SCHEMA)
    service = _service(ctx)
    roles = tuple(role.value for role in body.roles)
    family_name = body.name.family_name if body.name else None
    new = NewUser(body.user_name, body.active, body.external_id, roles, family_name or None)
    user = service.create(new)
    resource = _resource(service, user, request)
    headers = {"Location": resource["meta"]["location"]}
    return ScimResponse(resource, status_code=201, headers=headers)


@router.get("/Users", response_class=ScimResponse)
def list_scim_users(
    request: Request,
    ctx: Provisioner,
    scim_filter: Annotated[
        str | None,
        Query(
            alias="filter",
            max_length=400,
            pattern=PRINTABLE,
            json_schema_extra={"pattern": USERNAME_EQ_PATTERN},  # stricter: what is documented
        ),
    ] = None,
    start_index: Annotated[int, Query(alias="startIndex", ge=1, le=MAX_START_INDEX)] = 1,
    count: Annotated[int, Query(ge=0)] = MAX_PAGE,
) -> ScimResponse:
    user_name = parse_username_filter(scim_filter) if scim_filter is not None else None
    service = _service(ctx)
    total, users = service.find(user_name, start_index, min(count, MAX_PAGE))
    return ScimResponse(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start_index,
            "itemsPerPage": len(users),
            "Resources": [_resource(service, user, request) for user in users],
        }
    )


@router.get("/Users/{user_id}", response_class=ScimResponse)
def get_scim_user(user_id: UserId, request: Request, ctx: Provisioner) -> ScimResponse:
    service = _service(ctx)
    return ScimResponse(_resource(service, service.get(user_id), request))


@router.patch(
    "/Users/{user_id}",
    response_class=ScimResponse,
    openapi_extra=json_request(PatchIn, SCIM_JSON, "application/json"),
)
def patch_scim_user(
    user_id: UserId, request: Request, ctx: Provisioner, raw: ScimBody
) -> ScimResponse:
    body = _parse(PatchIn, raw, PATCH_SCHEMA)
    change = parse_patch([operation.model_dump() for operation in body.operations])
    service = _service(ctx)
    return ScimResponse(_resource(service, service.update(user_id, change), request))


@router.delete("/Users/{user_id}", status_code=204)
def delete_scim_user(user_id: UserId, ctx: Provisioner) -> Response:
    _service(ctx).delete(user_id)
    return Response(status_code=204)
