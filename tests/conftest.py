"""Shared fixtures: the languages, opened once, and every case run once."""
import shutil

import pytest

from triglot import check
from triglot.languages import Languages
from triglot.implementations import IMPLEMENTATIONS


def pytest_sessionstart(session):
    """No language is ever skipped: without a Scheme implementation of the matrix the suite
    stops, saying how to install it (`make test` installs all six)."""
    for impl in IMPLEMENTATIONS.values():
        if shutil.which(impl.command[0]) is None:
            pytest.exit(f"triglot: the {impl.label} language cannot run. {impl.install}", returncode=3)


@pytest.fixture(scope="session")
def languages():
    with Languages() as langs:
        yield langs


@pytest.fixture(scope="session")
def case_results(languages):
    """Every canonical case in every language, in one batch per language, by uuid."""
    return {r.case.uuid: r for r in check.run_cases(languages)}


@pytest.fixture(scope="session")
def site_build(tmp_path_factory):
    """The reference site, built once for the session: its build.Report (outdir, pages, …)."""
    from triglot.site import build
    return build.build(tmp_path_factory.mktemp("site") / "site", say=lambda text: None)


@pytest.fixture(scope="session")
def every_scheme():
    """Python, Hy and all six Scheme implementations, opened once."""
    with Languages(schemes=tuple(IMPLEMENTATIONS)) as langs:
        yield langs


@pytest.fixture(scope="session")
def portability_results(every_scheme):
    """Every canonical case in every language and every Scheme implementation, by uuid."""
    return {r.case.uuid: r for r in check.run_cases(every_scheme)}
