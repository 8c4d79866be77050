import random

import pytest

from catalogue.versions import same_version, version_sort_key, version_tokens


def test_natural_order_of_real_versions():
    ordered = ["V2", "05.02", "9.9", "9.10", "10", "10.3", "10.3.1", "441-SP6"]
    shuffled = ordered[:]
    random.Random(4).shuffle(shuffled)
    assert sort_versions(shuffled) == ordered


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("9.9", "9.10"),
        ("1.32.0", "1.100"),
        ("3.1", "3.1.1"),
        ("441-SP5", "441-SP6"),
        ("441-SP6", "442"),
        ("V2", "V10"),
        ("1.0.1", "1.0a"),
    ],
)
def test_pairs(lower, higher):
    assert sort_versions([higher, lower]) == [lower, higher]


def test_tokens_ignore_prefix_case_and_separators():
    assert version_tokens("V2") == ((0, 2),)
    assert version_tokens("version 2") == ((0, 2),)
    assert version_tokens("441-SP6") == ((0, 441), (1, "sp"), (0, 6))
    assert version_tokens("05.02") == ((0, 5), (0, 2))


def test_order_is_total_with_mixed_and_empty_versions():
    versions = ["", None, "beta", "2", "2.0", "02", "v2", "2a", "a2"]
    assert sort_versions(versions) == sort_versions(list(reversed(versions)))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("V2", "2", True),
        ("v2", "V2", True),
        ("05.02", "5.2", True),
        ("10", "10.0", True),
        ("10.3", "10.3.1", False),
        ("9.9", "9.10", False),
        ("441-SP6", "441 sp6", True),
        ("441-SP6", "441-SP7", False),
        ("beta", "BETA", True),
        ("beta", "gamma", False),
    ],
)
def test_same_version(a, b, same):
    assert same_version(a, b) is same


def sort_versions(versions):
    return sorted(versions, key=version_sort_key)
