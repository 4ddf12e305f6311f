"""The spec as it will grow: a copy of spec/ and docs/ with a new CRUD resource, an action below its item,
and a new optional field on an existing resource, written as a maintainer would write them.

`grow(root)` copies the repository's spec/ and docs/ into root and adds:
- `appointments`: `/appointments` (list, create) and `/appointments/{appointment_id}` (retrieve with ETag/304,
  replace, delete), with schemas of their own (`Appointment`, `AppointmentInput`, `AppointmentPage`), its own
  id parameter and examples, and the contract page's rows for it, each requirement of its answers naming its
  row in `x-promise` (lint's promise-traced);
- an action below its item: `POST /appointments/{appointment_id}/cancel`;
- an optional `company` field on the first resource's item and input schemas (today `Client`, `ClientInput`);
- info.version bumped to the next minor version (4.0.0 -> 4.1.0 today).

Nothing here is read by src/: the tools must find all of it from the document's shape. The names are this
test's choice (a resource and fields today's spec does not have), so a tool that names today's spec fails.
The spec this runs against may have grown already (a checkout where `appointments` and `company` are real):
then the resource and the field take the first candidate name the spec does not have yet (RESOURCE, ITEM,
ITEM_PATH, ID_PARAM, NEW_FIELD say which), so that the tests that grow it still grow it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

# Candidates, first free one wins: a singular noun whose plural is noun + "s", and "an <noun>" reads well
_NOUNS = ("appointment", "event", "order", "invoice")
_FIELDS = ("company", "nickname", "referrer", "locale")


def _spec_names(spec: Path) -> tuple[set[str], set[str], set[str]]:
    """The paths, the component schema names and the first resource's item fields the spec has now."""
    paths = set(yaml.safe_load((spec / "openapi.yaml").read_text()).get("paths") or {})
    schemas = yaml.safe_load((spec / "components" / "schemas.yaml").read_text()) or {}
    fields = {name for schema in ("Client", "ClientInput") for name in (schemas[schema].get("properties") or {})}
    return paths, set(schemas), fields


def _free_noun(spec: Path) -> str:
    paths, schemas, _ = _spec_names(spec)
    files = {p.name for p in (spec / "paths").iterdir()}
    return next(
        noun
        for noun in _NOUNS
        if not any(path.startswith(f"/{noun}s") for path in paths)
        and not any(name.startswith(noun.capitalize()) for name in schemas)
        and not any(name.startswith(noun) for name in files)
    )


def _next_minor(spec: Path) -> str:
    version = str(yaml.safe_load((spec / "openapi.yaml").read_text())["info"]["version"])
    major, minor = (int(part) for part in version.split(".")[:2])
    return f"{major}.{minor + 1}.0"


ITEM = _free_noun(REPO / "spec")
RESOURCE = f"{ITEM}s"
ID_PARAM = f"{ITEM}_id"
ITEM_PATH = f"/{RESOURCE}/{{{ID_PARAM}}}"
ACTION = "cancel"
NEW_FIELD = next(field for field in _FIELDS if field not in _spec_names(REPO / "spec")[2])
NEXT_VERSION = _next_minor(REPO / "spec")

_APPOINTMENTS = """\
# /appointments: the account's appointments.
get:
  operationId: list_appointments
  summary: List appointments
  description: One page of the account's appointments, in ascending `id` order.
  tags: [appointments]
  parameters:
    - $ref: ../components/parameters.yaml#/Offset
    - $ref: ../components/parameters.yaml#/Limit
  responses:
    '200':
      description: A page of appointments.
      content:
        application/json:
          schema:
            $ref: ../components/schemas.yaml#/AppointmentPage
          examples:
            first_page:
              value:
                data:
                  - id: 7
                    title: Haircut
                    starts_at: '2026-05-01T09:00:00Z'
                    duration_minutes: 45
                    status: booked
                    created_at: '2026-04-20T10:00:00Z'
                    updated_at: '2026-04-20T10:00:00Z'
                offset: 0
                limit: 20
                total: 1
__ERRORS_READ__
post:
  operationId: create_appointment
  summary: Book an appointment
  description: Books an appointment; answers 201 with it and its address in `Location`.
  tags: [appointments]
  requestBody:
    required: true
    content:
      application/json:
        schema:
          $ref: ../components/schemas.yaml#/AppointmentInput
        examples:
          haircut:
            value:
              title: Haircut
              starts_at: '2026-05-01T09:00:00Z'
              duration_minutes: 45
  responses:
    '201':
      description: The appointment was booked.
      x-promise: '`POST /appointments` (201, `Location` header, body is the new appointment)'
      headers:
        Location:
          $ref: ../components/headers.yaml#/Location
      content:
        application/json:
          schema:
            $ref: ../components/schemas.yaml#/Appointment
          examples:
            booked:
              value:
                id: 8
                title: Haircut
                starts_at: '2026-05-01T09:00:00Z'
                duration_minutes: 45
                status: booked
                created_at: '2026-04-20T10:00:00Z'
                updated_at: '2026-04-20T10:00:00Z'
      links:
        get_appointment:
          operationId: get_appointment
          parameters:
            appointment_id: $response.body#/id
        replace_appointment:
          operationId: replace_appointment
          parameters:
            appointment_id: $response.body#/id
        delete_appointment:
          operationId: delete_appointment
          parameters:
            appointment_id: $response.body#/id
        cancel_appointment:
          operationId: cancel_appointment
          parameters:
            appointment_id: $response.body#/id
__ERRORS_WRITE__
"""

_APPOINTMENT = """\
# /appointments/{appointment_id}: one appointment.
parameters:
  - $ref: ../components/parameters.yaml#/AppointmentId
get:
  operationId: get_appointment
  summary: Get an appointment
  description: The appointment with this id, with an `ETag`; send it back in `If-None-Match` for a 304.
  tags: [appointments]
  parameters:
    - $ref: ../components/parameters.yaml#/IfNoneMatch
  responses:
    '200':
      description: The appointment.
      x-promise: '`GET /appointments/{appointment_id}` (`ETag`, 304 to `If-None-Match`)'
      headers:
        ETag:
          $ref: ../components/headers.yaml#/ETag
      content:
        application/json:
          schema:
            $ref: ../components/schemas.yaml#/Appointment
          examples:
            appointment:
              value:
                id: 7
                title: Haircut
                starts_at: '2026-05-01T09:00:00Z'
                duration_minutes: 45
                status: booked
                created_at: '2026-04-20T10:00:00Z'
                updated_at: '2026-04-20T10:00:00Z'
    '304':
      $ref: ../components/responses.yaml#/NotModified
    '404':
      $ref: ../components/responses.yaml#/NotFound
__ERRORS_READ__
put:
  operationId: replace_appointment
  summary: Replace an appointment
  description: Replaces every writable field; a writable field left out is removed.
  tags: [appointments]
  requestBody:
    required: true
    content:
      application/json:
        schema:
          $ref: ../components/schemas.yaml#/AppointmentInput
        examples:
          moved:
            value:
              title: Haircut
              starts_at: '2026-05-02T09:00:00Z'
              duration_minutes: 30
  responses:
    '200':
      description: The appointment as it now is.
      headers:
        ETag:
          $ref: ../components/headers.yaml#/ETagOptional
      content:
        application/json:
          schema:
            $ref: ../components/schemas.yaml#/Appointment
          examples:
            moved:
              value:
                id: 7
                title: Haircut
                starts_at: '2026-05-02T09:00:00Z'
                duration_minutes: 30
                status: booked
                created_at: '2026-04-20T10:00:00Z'
                updated_at: '2026-04-21T08:00:00Z'
    '404':
      $ref: ../components/responses.yaml#/NotFound
__ERRORS_WRITE__
delete:
  operationId: delete_appointment
  summary: Delete an appointment
  description: Deletes the appointment; 204, and afterwards the id answers 404.
  tags: [appointments]
  responses:
    '204':
      description: The appointment was deleted; no body.
    '404':
      $ref: ../components/responses.yaml#/NotFound
__ERRORS_WRITE__
"""

_CANCEL = """\
# POST /appointments/{appointment_id}/cancel: cancel one appointment.
parameters:
  - $ref: ../components/parameters.yaml#/AppointmentId
post:
  operationId: cancel_appointment
  summary: Cancel an appointment
  description: Cancels the appointment; answers 200 with it as it now is.
  tags: [appointments]
  responses:
    '200':
      description: The appointment, cancelled.
      content:
        application/json:
          schema:
            $ref: ../components/schemas.yaml#/Appointment
          examples:
            cancelled:
              value:
                id: 7
                title: Haircut
                starts_at: '2026-05-01T09:00:00Z'
                duration_minutes: 45
                status: cancelled
                created_at: '2026-04-20T10:00:00Z'
                updated_at: '2026-04-22T12:00:00Z'
    '404':
      $ref: ../components/responses.yaml#/NotFound
__ERRORS_WRITE__
"""

_ERRORS_READ = ["400:BadRequest", "401:Unauthorized", "429:TooManyRequests", "500:InternalError",
                "502:BadGateway", "503:ServiceUnavailable"]  # fmt: skip
_ERRORS_WRITE = ["400:BadRequest", "401:Unauthorized", "403:Forbidden", "429:TooManyRequests",
                 "500:InternalError", "502:BadGateway", "503:ServiceUnavailable"]  # fmt: skip

_SCHEMAS = """\
Appointment:
  type: object
  description: An appointment of the account, as the API answers it.
  x-promise: 'appointment fields | `id` integer, read-only'
  required: [id, title, starts_at, duration_minutes, status, created_at, updated_at]
  properties:
    id:
      type: integer
      format: int64
      readOnly: true
    title:
      type: string
      minLength: 1
      maxLength: 200
    starts_at:
      $ref: '#/Timestamp'
    duration_minutes:
      type: integer
      minimum: 5
      maximum: 480
    status:
      type: string
      readOnly: true
      description: '`booked` or `cancelled`; the list is open.'
      x-extensible-enum: [booked, cancelled]
    notes:
      type: string
      maxLength: 2000
    created_at:
      $ref: '#/Timestamp'
      readOnly: true
    updated_at:
      $ref: '#/Timestamp'
      readOnly: true
AppointmentInput:
  type: object
  description: The writable fields of an appointment; on PUT a field left out is removed.
  required: [title, starts_at, duration_minutes]
  additionalProperties: false
  properties:
    title:
      type: string
      minLength: 1
      maxLength: 200
    starts_at:
      $ref: '#/Timestamp'
    duration_minutes:
      type: integer
      minimum: 5
      maximum: 480
    notes:
      type: string
      maxLength: 2000
AppointmentPage:
  type: object
  description: A page of appointments, in ascending `id` order.
  x-promise: 'a page is `{"data": [...], "offset": int, "limit": int, "total": int}`'
  required: [data, offset, limit, total]
  properties:
    data:
      type: array
      items:
        $ref: '#/Appointment'
      maxItems: 100
    offset:
      type: integer
      minimum: 0
    limit:
      type: integer
      minimum: 1
      maximum: 100
    total:
      type: integer
      minimum: 0
"""

_PARAMETER = """\
AppointmentId:
  name: appointment_id
  in: path
  required: true
  description: The `id` of an appointment.
  schema:
    type: integer
    format: int64
    minimum: 1
  example: 7
"""

_PAGE_ROWS = """\
| appointments | `GET /appointments` (paginated), `POST /appointments` (201, `Location` header, body is the new appointment), `GET /appointments/{appointment_id}` (`ETag`, 304 to `If-None-Match`), `PUT /appointments/{appointment_id}` (replaces every writable field; 200), `DELETE /appointments/{appointment_id}` (204); `POST /appointments/{appointment_id}/cancel` (200 with the appointment); unknown id: 404 `not_found` |
| appointment fields | `id` integer, read-only; `title` string 1..200, required; `starts_at` timestamp, required; `duration_minutes` integer 5..480, required; `status` string, read-only, required (`booked`, `cancelled`; the list is open); `notes` string up to 2000, optional; `created_at`, `updated_at` timestamps, read-only |
| client company | `company` string up to 200, optional, writable |
"""


def _errors(codes: list[str], indent: str = "    ") -> str:
    lines = []
    for entry in codes:
        status, name = entry.split(":")
        lines += [f"{indent}'{status}':", f"{indent}  $ref: ../components/responses.yaml#/{name}"]
    return "\n".join(lines)


def _with_errors(text: str) -> str:
    text = text.replace("__ERRORS_READ__", _errors(_ERRORS_READ)).replace("__ERRORS_WRITE__", _errors(_ERRORS_WRITE))
    return _named(text)


def _named(text: str) -> str:
    """The templates, written for `appointment` and `company`, with the names chosen above."""
    text = text.replace("Appointment", ITEM.capitalize()).replace("appointment", ITEM)
    return text.replace("company", NEW_FIELD)


def _add_field(schemas: str, schema: str, field_yaml: str) -> str:
    """Insert a property at the end of `schema`'s properties (a top-level entry of the components file)."""
    start = re.search(rf"^{re.escape(schema)}:\n", schemas, re.M)
    assert start is not None, f"no schema {schema} to grow"
    end = re.search(r"^\S", schemas[start.end() :], re.M)
    stop = start.end() + end.start() if end else len(schemas)
    body = schemas[start.end() : stop]
    props = body.index("  properties:\n") + len("  properties:\n")
    # the end of the properties block: the next key at two spaces' indent, or the schema's end
    rest = re.search(r"^  \S", body[props:], re.M)
    at = props + rest.start() if rest else len(body)
    body = body[:at] + field_yaml + body[at:]
    return schemas[: start.end()] + body + schemas[stop:]


def grow(root: Path, *, version: str | None = NEXT_VERSION) -> Path:
    """Copy spec/ and docs/ into root and grow them; returns root/spec/openapi.yaml."""
    shutil.copytree(REPO / "spec", root / "spec")
    shutil.copytree(REPO / "docs", root / "docs")
    spec = root / "spec"
    (spec / "paths" / f"{RESOURCE}.yaml").write_text(_with_errors(_APPOINTMENTS))
    (spec / "paths" / f"{ITEM}.yaml").write_text(_with_errors(_APPOINTMENT))
    (spec / "paths" / f"{ITEM}-{ACTION}.yaml").write_text(_with_errors(_CANCEL))
    schemas = (spec / "components" / "schemas.yaml").read_text()
    company = _named(
        "    company:\n      x-promise: '`company` string up to 200, optional'\n      type: string\n      maxLength: 200\n"
    )
    schemas = _add_field(_add_field(schemas, "Client", company), "ClientInput", company)
    (spec / "components" / "schemas.yaml").write_text(schemas.rstrip("\n") + "\n" + _named(_SCHEMAS))
    params = (spec / "components" / "parameters.yaml").read_text()
    (spec / "components" / "parameters.yaml").write_text(params.rstrip("\n") + "\n" + _named(_PARAMETER))
    root_file = spec / "openapi.yaml"
    text = root_file.read_text()
    text = text.replace(
        "  - name: health\n",
        _named("  - name: appointments\n    description: The appointments of the account.\n  - name: health\n"),
    )
    text = text.rstrip("\n") + _named(
        "\n  /appointments:\n    $ref: paths/appointments.yaml\n"
        "  /appointments/{appointment_id}:\n    $ref: paths/appointment.yaml\n"
        "  /appointments/{appointment_id}/cancel:\n    $ref: paths/appointment-cancel.yaml\n"
    )
    if version is not None:
        text = re.sub(r"^  version: .*$", f"  version: {version}", text, count=1, flags=re.M)
    root_file.write_text(text)
    page = root / "docs" / "reception-star-api.md"
    lines = page.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("| optional fields |"))
    page.write_text("".join(lines[:at]) + _named(_PAGE_ROWS) + "".join(lines[at:]))
    return root_file
