"""One error tree: every error the application raises on purpose is a ``ModeratorError`` drawn in
``moderator.errors``' docstring, and every error the classifiers raise has their own root."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import replace

import pytest

import classifiers
import moderator
from classifiers import errors as classifier_errors
from moderator import errors
from moderator.policy import classify
from moderator.settings import config as config_mod


def _subclasses(root: type[BaseException]) -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    todo = [root]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def _import_all(package: object) -> None:
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):  # type: ignore[attr-defined]
        if ".migrations." not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def _drawn(docstring: str | None) -> list[str]:
    """The class names a tree drawing names: one per line, before the two spaces of its note."""
    return re.findall(r"^[ │]*(?:[├└]── )?([A-Z]\w+) {2,}", docstring or "", re.MULTILINE)


def test_every_application_error_is_drawn_in_the_tree() -> None:
    _import_all(moderator)
    defined = {c.__name__ for c in _subclasses(errors.ModeratorError)}
    drawn = set(_drawn(errors.__doc__))
    assert defined | {"ModeratorError"} == drawn


def test_every_classifier_error_has_the_classifiers_root_and_is_drawn() -> None:
    _import_all(classifiers)
    defined = {c.__name__ for c in _subclasses(classifier_errors.ClassifierError)}
    assert defined == set(_drawn(classifier_errors.__doc__)) - {"ClassifierError"}
    raised = {
        name
        for module in pkgutil.walk_packages(classifiers.__path__, "classifiers.")
        for name, value in vars(importlib.import_module(module.name)).items()
        if isinstance(value, type)
        and issubclass(value, Exception)
        and value.__module__ == module.name
    }
    assert raised == defined | {"ClassifierError"}


def test_a_classifier_error_is_mapped_at_the_boundary_with_its_one_line(
    sample_config: config_mod.SchoolConfig,
) -> None:
    broken = replace(
        sample_config, classifier=replace(sample_config.classifier, backend="nonesuch")
    )
    with pytest.raises(errors.ClassifierError) as mapped:
        classify.classifier_for(broken)
    assert str(mapped.value) == (
        f"{sample_config.path}: [classifier] backend 'nonesuch': "
        "unknown or unavailable classifier backend 'nonesuch'"
    )
    assert isinstance(mapped.value.__cause__, classifier_errors.ClassifierError)


def test_the_unused_duplicate_illegal_transition_is_gone() -> None:
    assert not hasattr(errors, "IllegalTransition")
