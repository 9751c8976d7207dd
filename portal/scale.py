"""``seed_demo --scale``: a whole city of demo data (SPEC §9) for the benchmark, loaded through bulk paths.

``--scale city`` is 30,000 enterprises; ``--scale N`` is N enterprises with every other count in proportion
(``Scale.count``). Each app that has data at scale holds a ``scale.py`` with ``load(scale) -> str``; they
run in INSTALLED_APPS order like the apps' ``demo.py``, so enterprises exist before the buildings they
occupy and the scenarios they apply for. Everything runs in one transaction: a failure leaves nothing.

Rows are drawn with plain Python from ``random.Random`` streams named after the seed and the app, so the
same seed gives the same data; dates are relative to today like the small demo's. On PostgreSQL the rows
go in with ``COPY`` (streamed from the generators, so Python draws while the server stores); elsewhere
(SQLite, small N in tests) with ``bulk_create``. Bulk rows get no django-simple-history records: the
history is of changes people make, and a generated past has none.
"""

from __future__ import annotations

import io
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from functools import lru_cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

CITY = 30_000  # enterprises in ``--scale city``; every other count is given at that size
MONTHS = 36  # months of reports, up to last month
COPY_READ_SIZE = 1 << 18
BULK_BATCH = 2_000  # rows per bulk_create where COPY is not available


@dataclass
class Scale:
    """What every app's ``load`` needs: the size, the seed, the day it is relative to, the password."""

    enterprises: int
    seed: int = 1
    today: date = field(default_factory=timezone.localdate)
    password: str = "portal-demo"

    def count(self, at_city: int) -> int:
        """``at_city`` scaled to this size, at least one."""
        return max(1, round(at_city * self.enterprises / CITY))

    def rng(self, name: str) -> random.Random:
        """An app's own random stream: what one app draws never shifts another's."""
        return random.Random(f"{self.seed}:{name}")

    def at(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        """A moment of a day in the portal's time zone, for timestamps derived from dates."""
        return timezone.make_aware(datetime.combine(day, clock(hour, minute)))


def parse_scale(value: str) -> int:
    """``city`` or a positive number of enterprises; a Chinese ValidationError otherwise."""
    text = (value or "").strip().lower()
    if text == "city":
        return CITY
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise ValidationError(f"--scale 应为 city 或企业数（正整数），收到“{value}”。")


def _app_modules() -> list:
    """Each installed app's ``scale`` module, in INSTALLED_APPS order, with its app config."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.scale"
        if config.name != "portal" and find_spec(name) is not None:
            found.append((config, import_module(name)))
    return found


def _refusal(modules: list) -> str | None:
    """Why a scale load cannot start here, if it cannot: it fills an empty database only (each app's
    ``scale.MODEL`` is the table whose rows mean the app already has data), from the regions of the data
    migration."""
    from .models import Region

    if not Region.objects.top_level().exists():
        return "数据库中没有区域数据（由数据迁移载入），未写入任何内容。请先执行 manage.py migrate。"
    held = [
        f"{module.MODEL._meta.verbose_name} {count} 条"
        for _, module in modules
        if getattr(module, "MODEL", None) and (count := module.MODEL.objects.count())
    ]
    if held:
        return (
            f"数据库中已有数据（{'、'.join(held)}），--scale 只在空数据库上生成城市规模数据，未写入任何内容。"
            "请换用新数据库，或先执行 manage.py flush 清空。"
        )
    return None


def load(scale: Scale, *, log=print) -> dict[str, float]:
    """Load the whole data set in one transaction; return each step's seconds. Refused (ValidationError,
    nothing written) on a database that already holds enterprises, buildings or scenarios."""
    modules = _app_modules()
    refusal = _refusal(modules)
    if refusal:
        raise ValidationError(refusal)
    timings: dict[str, float] = {}
    with transaction.atomic():
        started = time.perf_counter()
        log(f"账号：{_accounts(scale)}")
        _analyze(apps.get_app_config("portal"))
        timings["portal"] = time.perf_counter() - started
        for config, module in modules:
            started = time.perf_counter()
            log(f"{config.verbose_name}：{module.load(scale)}")
            # Planner statistics before the next app reads these tables: without them PostgreSQL takes the
            # freshly filled tables for empty (evaluation's queries measured 40 times slower).
            _analyze(config)
            timings[config.name] = time.perf_counter() - started
        started = time.perf_counter()
        log(f"令牌：{_tokens()}")
        _analyze(apps.get_app_config("authtoken"))
        timings["tokens"] = time.perf_counter() - started
    started = time.perf_counter()
    _vacuum()
    timings["vacuum"] = time.perf_counter() - started
    return timings


# --- accounts ------------------------------------------------------------------------------------------


def _accounts(scale: Scale) -> str:
    """``city`` and one ``district-<code>`` per top-level region: the small demo's own accounts code."""
    from portal import demo

    return demo.seed(password=scale.password, today=scale.today)


def _tokens() -> str:
    """A DRF token for every account that lacks one (the benchmark calls the API with them)."""
    from rest_framework.authtoken.models import Token

    from .models import User

    users = User.objects.filter(auth_token__isnull=True).order_by("pk")
    made = Token.objects.bulk_create([Token(user=user, key=Token.generate_key()) for user in users])
    return f"新建 {len(made)} 个"


def _analyze(config) -> None:
    """Fresh planner statistics for an app's tables (PostgreSQL; autovacuum would get there later)."""
    if connection.vendor != "postgresql":
        return
    tables = sorted({model._meta.db_table for model in config.get_models(include_auto_created=True)})
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(table) for table in tables)}")


def _vacuum() -> None:
    """PostgreSQL, after the commit: VACUUM (ANALYZE) the whole database, as autovacuum would soon after a
    load (and must here, where it may be off), so that index-only scans find the visibility map set."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def cluster(model, fields: Sequence[str]) -> None:
    """PostgreSQL: rewrite ``model``'s table in the order of its index on ``fields``. Rows that a portal
    gathers over time (a month's reports) lie together on disk in a live database; COPY wrote them in
    generation order, which would make every query by period read a block per row."""
    if connection.vendor != "postgresql":
        return
    (index,) = (index for index in model._meta.indexes if list(index.fields) == list(fields))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CLUSTER {quote(model._meta.db_table)} USING {quote(index.name)}")


# --- bulk writes ---------------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escaped(value: str) -> str:
    return value.translate(_ESCAPES)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)


def _boolean(value) -> str:
    return "t" if value else "f"


def _converter(model_field):
    """How one column's values become COPY text, chosen once per column rather than per value: free text
    is escaped; numbers, dates and choice values are never anything ``str`` would not do."""
    if isinstance(model_field, models.JSONField):
        return _json
    if isinstance(model_field, models.BooleanField):
        return _boolean
    if isinstance(model_field, models.DateTimeField):
        return lru_cache(maxsize=8192)(str)  # timestamps repeat (a few per month), their str() is slow
    if isinstance(model_field, models.CharField | models.TextField) and not model_field.choices:
        return _escaped
    return str


def _line(model, fields: Sequence[str]) -> Callable[[tuple], str]:
    """A row's COPY text (without its newline), column by column."""
    converters = [_converter(model._meta.get_field(name)) for name in fields]

    def line(row: tuple) -> str:
        values = zip(converters, row, strict=True)
        return "\t".join([r"\N" if value is None else convert(value) for convert, value in values])

    return line


class _Lines(io.TextIOBase):
    """A read-only file over an iterator of text lines, for ``copy_expert``: it reads whatever size it
    asks for (or a little more) without the whole table ever being in memory."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines
        self.error: Exception | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        chunk, length = [], 0
        try:
            for line in self._lines:
                chunk.append(line)
                length += len(line)
                if 0 <= size <= length:
                    break
        except Exception as exc:
            self.error = exc  # psycopg2 reports only "no COPY in progress"; keep the cause
            raise
        return "".join(chunk)


def _copy(cursor, sql: str, lines: Iterator[str]) -> None:
    reader = _Lines(lines)
    try:
        cursor.copy_expert(sql, reader, COPY_READ_SIZE)
    except Exception:
        if reader.error is not None:
            raise reader.error from None
        raise


def _omitted(model, fields: Sequence[str]) -> list:
    """The columns a caller left out that need a value all the same (as ``bulk_create`` would give): the
    field's default, or now for ``auto_now``/``auto_now_add``. Fields added later with a default so load
    unchanged; database defaults are left to the database."""
    named = {model._meta.get_field(name).attname for name in fields}
    omitted = []
    for column in model._meta.concrete_fields:
        if column.primary_key or column.attname in named or column.has_db_default():
            continue
        if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False):
            omitted.append((column, timezone.now()))
        elif column.has_default() or not column.null:
            omitted.append((column, column.get_default()))  # "" for text and file fields without one
    return omitted


def write(
    model, fields: Sequence[str], rows: Iterable[tuple], *, line: Callable[[tuple], str] | None = None
) -> int:
    """Insert ``rows`` (tuples of values in ``fields`` order; foreign keys as ``<name>_id``) into
    ``model``'s table and return how many. PostgreSQL: one COPY, each row made a line of COPY text
    (without its newline) by ``line`` when given (a hot table's own formatter) or column by column; left-out
    columns get their defaults. Elsewhere: ``bulk_create`` (which sets ``auto_now`` fields to now rather
    than to the values given)."""
    if connection.vendor == "postgresql":
        count = 0
        omitted = _omitted(model, fields)
        names = [*fields, *(column.attname for column, _ in omitted)]
        suffix = "".join("\t" + _line(model, [column.attname])((value,)) for column, value in omitted)

        def lines():
            nonlocal count
            text = line or _line(model, fields)
            for row in rows:
                count += 1
                yield f"{text(row)}{suffix}\n"

        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            _copy(cursor, f"COPY {table} ({columns}) FROM STDIN", lines())
        return count
    count, batch = 0, []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= BULK_BATCH:
            model.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    model.objects.bulk_create(batch)
    return count + len(batch)


@contextmanager
def unchecked(*models):
    """PostgreSQL: lift the tables' foreign keys while a million rows stream in, and put them back exactly
    as they were (their own definitions, from the catalogue) once the rows are in. Added to a full table,
    a foreign key is checked by one join; kept, it queues a deferred trigger event per row, each checked
    on its own at commit (measured: 19 s of a 55 s load). Inside the transaction, so a failure restores
    them. Secondary indexes stay: rebuilding them after the load measured no faster. Elsewhere a no-op."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    restore = []
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with deferred checks still queued (the referenced tables have them
        # from the rows just written): run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models:
            table = quote(model._meta.db_table)
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
                restore.append(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in restore:
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's mode: its deferrable keys are all deferred
