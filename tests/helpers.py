"""Helpers every test module may use: proving a refused action wrote nothing, running jobs in
concurrent transactions, and reading pages by id, role and label rather than literal HTML."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from bs4 import BeautifulSoup
from django.db import connection

T = TypeVar("T")

# What a refused request may still write: a login throttle's record of the attempt, the session,
# and the columns that only say when someone last signed in or used a token. Everything else in
# the tenant's schema must be exactly as it was.
NOT_FACTS = ("axes_", "django_session")
BOOKKEEPING_COLUMNS = ("last_login", "last_used_at")


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
            [connection.schema_name],
        )
        return [name for (name,) in cursor.fetchall() if not name.startswith(NOT_FACTS)]


def table_digests(tables: Sequence[str] | None = None) -> dict[str, str]:
    """A digest of every row of each table of the current tenant's schema (all of them unless
    named), in one query: equal digests mean no row was added, changed or removed."""
    names = list(tables or _tables())
    sql = " UNION ALL ".join(
        f"SELECT '{name}', count(*) || md5(coalesce(string_agg(r, '|' ORDER BY r), '')) "
        f'FROM (SELECT (to_jsonb(t) - %(skip)s::text[])::text AS r FROM "{name}" t) AS t'
        for name in names
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"skip": list(BOOKKEEPING_COLUMNS)})
        return dict(cursor.fetchall())


def snapshot() -> dict[str, str]:
    """Every table of the tenant's schema as it is now (see assert_unchanged_since)."""
    return table_digests()


def assert_unchanged_since(before: dict[str, str], *, except_tables: Sequence[str] = ()) -> None:
    """No table of the tenant's schema changed since `before = snapshot()`: nothing was added,
    changed or removed (rows compared whole, not just counted)."""
    after = table_digests()
    changed = sorted(
        name
        for name in set(before) | set(after)
        if before.get(name) != after.get(name) and name not in except_tables
    )
    assert changed == [], f"written to since the snapshot: {changed}"


@contextmanager
def assert_nothing_written(*, except_tables: Sequence[str] = ()) -> Iterator[None]:
    """Around a refused action: no table of the tenant's schema changed (rows compared whole,
    not just counted). `except_tables` names tables the action may legitimately touch."""
    before = table_digests()
    yield
    assert_unchanged_since(before, except_tables=except_tables)


def run_concurrently(
    tenant: Any, jobs: Sequence[Callable[[], T]], *, timeout: float = 120
) -> list[T | BaseException]:
    """Runs each job in a thread of its own, on its own database connection in `tenant`, all
    released at once by a barrier, each in its own transactions (use with the committed_tenant
    fixture). Returns each job's result, or the exception it raised, in job order; fails when a
    thread does not finish in time. The calling thread's connection is back on `tenant` after."""
    start = threading.Barrier(len(jobs))
    results: list[T | BaseException | None] = [None] * len(jobs)

    def run(n: int, job: Callable[[], T]) -> None:
        connection.set_tenant(tenant)
        try:
            start.wait()
            results[n] = job()
        except BaseException as exc:
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    stuck = [n for n, thread in enumerate(threads) if thread.is_alive()]
    connection.set_tenant(tenant)
    assert not stuck, f"jobs {stuck} did not finish within {timeout} s"
    return results  # type: ignore[return-value]


def failures(results: Sequence[Any]) -> list[str]:
    """The exceptions among run_concurrently's results, as "Type: message" lines."""
    return [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]


# --- Reading pages as a user would: by id, role and label, not by literal HTML --------------


def page(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def text_by_id(html: str | bytes, element_id: str) -> str:
    """The text an element shows (inner tags dropped, white space folded); fails the test when
    no element has that id."""
    element = page(html).find(id=element_id)
    assert element is not None, f"no element with id {element_id!r}"
    return " ".join(element.get_text(" ").split())


def table_rows(html: str | bytes) -> list[list[str]]:
    """Every table row's cell texts (header rows included), in page order."""
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["td", "th"])]
        for row in page(html).find_all("tr")
    ]


def option_labels(html: str | bytes, name: str) -> dict[str, str]:
    """The choices of the <select name=…>: value to label."""
    select = page(html).find("select", attrs={"name": name})
    assert select is not None, f"no select named {name!r}"
    return {o.get("value", ""): o.get_text(strip=True) for o in select.find_all("option")}


def scan_results(html: str | bytes) -> list[tuple[str, str]]:
    """Each scan result line a handheld page shows: ("ok" or "error", its message)."""
    return [
        (
            "ok" if item.get("data-ok") == "1" else "error",
            " ".join((item.find(class_="scan-message") or item).get_text(" ").split()),
        )
        for item in page(html).select("li.scan-result")
    ]


def scan_outcome(html: str | bytes) -> str:
    """ "ok" or "error": the outcome of the (one) scan a response answers."""
    results = scan_results(html)
    assert results, f"no scan result in {html!r:.300}"
    return results[0][0]


def table_records(html: str | bytes, *, with_column: str) -> list[dict[str, str]]:
    """The body rows of the (first) table that has a column headed `with_column`, each as
    header text to cell text."""
    for table in page(html).find_all("table"):
        headers = [" ".join(th.get_text(" ").split()) for th in table.select("thead th")]
        if with_column in headers:
            rows = [
                [" ".join(td.get_text(" ").split()) for td in row.find_all("td")]
                for row in table.select("tbody tr")
            ]
            # A row spanning the table ("None yet.") is no record.
            return [dict(zip(headers, cells, strict=True)) for cells in rows if len(cells) > 1]
    raise AssertionError(f"no table with a column {with_column!r}")


def visible_text(html: str | bytes) -> str:
    """The page's text as a reader sees it: tags dropped, white space folded."""
    return " ".join(page(html).get_text(" ").split())


def element(html: str | bytes, css: str) -> Any:
    """The first element the CSS selector finds, or None."""
    return page(html).select_one(css)


def link_targets(html: str | bytes) -> dict[str, str]:
    """Each link's text to where it goes."""
    return {" ".join(a.get_text(" ").split()): a.get("href", "") for a in page(html).find_all("a")}
